/**
 * `known list [--feature F]`, `known accept <feature> <route> <path> <kind> --reason TEXT [--ttl 30d]`
 * and `known remove <id>`: thin clients of /admin/diffs/known (known differences, counted apart
 * from the verdict; docs/comparison.md). `list` shows those routes.yaml declares beside the
 * accepted ones.
 */
import type { KnownDifference } from '../../analysis/known-differences/known-difference.js'
import { formatTable } from '../format-table.js'
import { answered, EXIT_FAILURE, EXIT_OK, printWarnings, UsageError, type CommandContext } from './cli-context.js'

export const KNOWN_USAGE = 'usage: known list [--feature F] | known accept <feature> <route> <path> <kind> --reason TEXT [--ttl 30d] | known remove <id>'

export interface KnownArgs { positionals: string[], feature?: string, reason?: string, ttl?: string }

async function list (ctx: CommandContext, feature: string | undefined): Promise<number> {
  const res = await ctx.client.call('GET', '/admin/diffs/known')
  if (!answered(ctx, res)) return EXIT_FAILURE
  const known = (res.body as { known: KnownDifference[] }).known.filter((entry) => feature === undefined || entry.feature === feature)
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify({ known })}\n`)
    return EXIT_OK
  }
  if (known.length === 0) {
    ctx.out.write('no known differences\n')
    return EXIT_OK
  }
  ctx.out.write(formatTable(['ID', 'FEATURE', 'ROUTE', 'PATH', 'KIND', 'SOURCE', 'EXPIRES', 'REASON'], known.map((entry) => [
    entry.id, entry.feature, entry.route, entry.path, entry.kind, entry.source, entry.expiresAt ?? 'never', entry.reason
  ])))
  return EXIT_OK
}

export async function knownCommand (ctx: CommandContext, { positionals, feature, reason, ttl }: KnownArgs): Promise<number> {
  const [action, ...rest] = positionals
  switch (action) {
    case 'list':
      if (rest.length > 0) throw new UsageError(KNOWN_USAGE)
      return await list(ctx, feature)
    case 'accept': {
      const [name, route, path, kind] = rest
      if (rest.length !== 4 || reason === undefined) throw new UsageError(`accept needs <feature> <route> <path> <kind> and --reason; ${KNOWN_USAGE}`)
      const res = await ctx.client.call('POST', '/admin/diffs/known', { feature: name, route, path, kind, reason, ...(ttl === undefined ? {} : { ttl }) })
      if (!answered(ctx, res)) return EXIT_FAILURE
      const entry = res.body as KnownDifference & { warnings?: string[] }
      ctx.out.write(ctx.json ? `${JSON.stringify(entry)}\n` : `${entry.id}\n`)
      if (!ctx.json) ctx.err.write(`accepted as known: ${entry.feature} ${entry.route} ${entry.path} (${entry.kind}), ${entry.expiresAt === null ? 'until removed' : `until ${entry.expiresAt}`}\n`)
      printWarnings(ctx, entry.warnings)
      return EXIT_OK
    }
    case 'remove': {
      const [id] = rest
      if (rest.length !== 1) throw new UsageError(`remove needs the entry's id (known list shows it); ${KNOWN_USAGE}`)
      const res = await ctx.client.call('DELETE', `/admin/diffs/known/${encodeURIComponent(id)}`)
      if (!answered(ctx, res)) return EXIT_FAILURE
      const body = res.body as { removed: string, warnings?: string[] }
      ctx.out.write(ctx.json ? `${JSON.stringify(body)}\n` : `removed ${body.removed}\n`)
      printWarnings(ctx, body.warnings)
      return EXIT_OK
    }
    default:
      throw new UsageError(KNOWN_USAGE)
  }
}
