/**
 * `handoff check <feature> [--limit N]`: a thin client of GET /admin/handoff/:feature (the session
 * handoff check, gateway/control-plane/handoff/). Prints pass/fail per session, clone and turn,
 * and exits 0 only when every sampled session passed.
 */
import type { HandoffResult } from '../../control-plane/handoff/handoff-check.js'
import { answered, EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'

export const HANDOFF_USAGE = 'usage: handoff check <feature> [--limit N]'
/** The check runs several model turns per session on the gateway. */
const HANDOFF_TIMEOUT_MS = 300_000

export function describeHandoff (result: HandoffResult): string {
  const lines = [`${result.feature}: ${result.status.toUpperCase()}: ${result.reason}`]
  if (result.store !== null) lines.push(`  store ${result.store.type} (listed by ${result.store.listing}), up to ${result.limit} session(s), ${result.durationMs} ms`)
  for (const session of result.sessions) {
    lines.push(`  session ${session.session}: ${session.ok ? 'pass' : 'FAIL'}`)
    for (const clone of session.clones) {
      lines.push(`    clone ${clone.clone} ${clone.order.join(' then ')}: ${clone.ok ? 'pass' : 'FAIL'}`)
      for (const turn of clone.turns) {
        lines.push(`      ${turn.side}: ${turn.ok ? 'ok' : 'FAIL'} ${turn.requests.map((r) => `${r.method} ${r.path} ${r.status ?? '-'}`).join(', ')}`)
      }
      for (const reason of clone.reasons) lines.push(`      - ${reason}`)
    }
  }
  const { clones, deleted, failed } = result.cleanup
  lines.push(`  clones: ${clones} written, ${deleted} deleted${failed > 0 ? `, ${failed} NOT deleted` : ''}`)
  return lines.join('\n') + '\n'
}

export async function handoffCommand (ctx: CommandContext, { positionals, limit }: { positionals: string[], limit?: string }): Promise<number> {
  const [action, feature] = positionals
  if (action !== 'check' || feature === undefined) throw new UsageError(HANDOFF_USAGE)
  if (limit !== undefined && !/^[1-9][0-9]*$/.test(limit)) throw new UsageError(`--limit must be a positive integer; ${HANDOFF_USAGE}`)
  const query = limit === undefined ? '' : `?limit=${limit}`
  const response = await ctx.client.call('GET', `/admin/handoff/${encodeURIComponent(feature)}${query}`, undefined, { timeoutMs: HANDOFF_TIMEOUT_MS })
  if (!answered(ctx, response)) return EXIT_FAILURE
  const result = response.body as HandoffResult
  ctx.out.write(ctx.json ? `${JSON.stringify(result)}\n` : describeHandoff(result))
  return result.ok ? EXIT_OK : EXIT_FAILURE
}
