/** `status`, `flag <feature> on|off [--canary N]`, `rollback [feature] [--reason TEXT]`. */
import type { FeatureView, FlagsView } from '../../control-plane/admin/flag-view.js'
import { answered, EXIT_FAILURE, EXIT_OK, printWarnings, UsageError, type CommandContext } from './cli-context.js'
import { formatTable } from '../format-table.js'

const onOff = (enabled: boolean): string => enabled ? 'on' : 'off'

function featureRows (features: Record<string, FeatureView>): Array<Array<string | number>> {
  return Object.entries(features).map(([name, f]) => [
    name, f.stage, onOff(f.enabled), f.source.enabled, `${f.canary}%`, f.source.canary, `${f.shadowSample}%`, f.routes.join(' ')
  ])
}

export async function statusCommand (ctx: CommandContext): Promise<number> {
  const [health, flags] = await Promise.all([ctx.client.call('GET', '/health'), ctx.client.call('GET', '/admin/flags')])
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify({ health: health.body, flags: flags.body })}\n`)
    return health.status < 400 && flags.status < 400 ? EXIT_OK : EXIT_FAILURE
  }
  const h = health.body as { status?: string, gateway?: { configVersion?: number, uptimeSeconds?: number }, upstreams?: Record<string, { url: string, reachable: boolean, latencyMs?: number, error?: string }> }
  if (health.status < 400 && h !== null && typeof h === 'object') {
    ctx.out.write(`gateway ${ctx.client.url}: ${h.status ?? '?'} (config v${h.gateway?.configVersion ?? '?'}, up ${h.gateway?.uptimeSeconds ?? '?'} s)\n`)
    for (const [name, u] of Object.entries(h.upstreams ?? {})) {
      ctx.out.write(`  ${name.padEnd(7)} ${u.url}  ${u.reachable ? `reachable (${u.latencyMs ?? '?'} ms)` : `UNREACHABLE (${u.error ?? 'error'})`}\n`)
    }
  } else if (!answered(ctx, health)) {
    return EXIT_FAILURE
  }
  if (!answered(ctx, flags)) return EXIT_FAILURE
  const view = flags.body as FlagsView
  ctx.out.write('\n' + formatTable(['FEATURE', 'STAGE', 'FLAG', 'FROM', 'CANARY', 'FROM', 'SHADOW', 'ROUTES'], featureRows(view.features)))
  return EXIT_OK
}

export interface FlagArgs {
  feature: string | undefined
  state: string | undefined
  canary: string | undefined
}

export function parseFlagArgs ({ feature, state, canary }: FlagArgs): { feature: string, body: { enabled: boolean, canary?: number } } {
  if (feature === undefined || (state !== 'on' && state !== 'off')) throw new UsageError('usage: flag <feature> on|off [--canary N]')
  const body: { enabled: boolean, canary?: number } = { enabled: state === 'on' }
  if (canary !== undefined) {
    const n = Number(canary)
    if (canary.trim() === '' || !Number.isFinite(n) || n < 0 || n > 100) throw new UsageError('--canary must be a number from 0 to 100')
    body.canary = n
  }
  return { feature, body }
}

export async function flagCommand (ctx: CommandContext, args: FlagArgs): Promise<number> {
  const { feature, body } = parseFlagArgs(args)
  const response = await ctx.client.call('PUT', `/admin/flags/${encodeURIComponent(feature)}`, body)
  if (!answered(ctx, response)) return EXIT_FAILURE
  const { before, after, warnings } = response.body as { before: FeatureView, after: FeatureView, warnings: string[] }
  if (ctx.json) ctx.out.write(`${JSON.stringify(response.body)}\n`)
  else ctx.out.write(`${feature}: flag ${onOff(after.enabled)}, canary ${after.canary}% (was ${onOff(before.enabled)}, ${before.canary}%); stage ${after.stage}\n`)
  printWarnings(ctx, warnings)
  return EXIT_OK
}

export async function rollbackCommand (ctx: CommandContext, feature: string | undefined, reason?: string): Promise<number> {
  const path = feature === undefined ? '/admin/rollback' : `/admin/rollback/${encodeURIComponent(feature)}`
  // The API takes 500 characters; a longer reason is cut rather than the rollback refused.
  const response = await ctx.client.call('POST', path, reason === undefined || reason === '' ? undefined : { reason: reason.slice(0, 500) })
  const body = response.body as { rolledBack?: string[], failed?: Array<{ feature: string, error: string }>, warnings?: string[] } | null
  if (ctx.json && response.status < 400) ctx.out.write(`${JSON.stringify(body)}\n`)
  if (!answered(ctx, response)) {
    if (body?.rolledBack !== undefined && body.rolledBack.length > 0) ctx.err.write(`rolled back anyway: ${body.rolledBack.join(', ')}\n`)
    return EXIT_FAILURE
  }
  const done = body?.rolledBack ?? []
  if (!ctx.json) ctx.out.write(`rolled back ${done.length === 0 ? 'nothing (no features)' : done.join(', ')}: flag off, canary 0%, on every replica\n`)
  printWarnings(ctx, body?.warnings)
  return EXIT_OK
}
