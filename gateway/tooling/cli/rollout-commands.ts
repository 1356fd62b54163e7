/**
 * `rollout [status] [feature]` and `rollout start|pause|resume|abort|complete <feature> [--dry-run]`:
 * thin clients of /admin/rollouts (docs/rollout.md).
 */
import type { RolloutView } from '../../control-plane/rollout/rollout-view.js'
import { answered, EXIT_FAILURE, EXIT_OK, printWarnings, UsageError, type CommandContext } from './cli-context.js'
import { formatTable, percent } from '../format-table.js'

const ACTIONS = new Set(['start', 'pause', 'resume', 'abort', 'complete'])
export const ROLLOUT_USAGE = 'usage: rollout [status] [feature] | rollout start|pause|resume|abort|complete <feature> [--dry-run]'

export interface RolloutArgs {
  positionals: string[]
  dryRun: boolean
}

function describe (view: RolloutView): string {
  const lines = [`${view.feature}: ${view.status}${view.dryRun ? ' (dry run)' : ''}, step ${view.step ?? '-'} of ${view.steps.join(' -> ') || '(no plan)'}; next ${view.nextStep ?? '-'}`]
  if (view.reason !== null) lines.push(`  reason: ${view.reason}`)
  if (view.bakeRemainingMs !== null) lines.push(`  ready since ${view.readySince}; ${view.bakeRemainingMs} ms of bake time left`)
  const last = view.last
  if (last !== null) {
    lines.push(`  last decision: ${last.decision} at ${last.at}: ${last.why}`)
    const f = last.figures
    if (f !== null) {
      lines.push(`  verdict ${f.verdict} since ${f.since ?? '-'}: live old ${f.live.old.requests} req ${percent(f.live.old.errorRate)} errors, ` +
        `live new ${f.live.new.requests} req ${percent(f.live.new.errorRate)} errors, shadow pairs ${f.shadow.pairs} (${percent(f.shadow.diffRate)} differ); ${f.minSamples} needed`)
      for (const reason of f.reasons) lines.push(`    - ${reason.message}`)
    }
  }
  for (const problem of view.problems) lines.push(`  plan problem: ${problem}`)
  return lines.join('\n') + '\n'
}

export async function rolloutCommand (ctx: CommandContext, { positionals, dryRun }: RolloutArgs): Promise<number> {
  const [first, second] = positionals
  if (first !== undefined && ACTIONS.has(first)) {
    if (second === undefined) throw new UsageError(ROLLOUT_USAGE)
    const body = first === 'start' && dryRun ? { dryRun: true } : undefined
    const response = await ctx.client.call('POST', `/admin/rollouts/${encodeURIComponent(second)}/${first}`, body)
    if (!answered(ctx, response)) return EXIT_FAILURE
    ctx.out.write(ctx.json ? `${JSON.stringify(response.body)}\n` : describe(response.body as RolloutView))
    printWarnings(ctx, (response.body as { warnings?: unknown }).warnings)
    return EXIT_OK
  }
  const feature = first === 'status' ? second : first
  const response = await ctx.client.call('GET', feature === undefined ? '/admin/rollouts' : `/admin/rollouts/${encodeURIComponent(feature)}`)
  if (!answered(ctx, response)) return EXIT_FAILURE
  if (ctx.json) {
    ctx.out.write(`${JSON.stringify(response.body)}\n`)
    return EXIT_OK
  }
  if (feature !== undefined) {
    ctx.out.write(describe(response.body as RolloutView))
    return EXIT_OK
  }
  const { controller, features } = response.body as { controller: { holder: string | null, replicaId: string, store: string }, features: Record<string, RolloutView> }
  ctx.out.write(`controller: ${controller.store}, lock held by ${controller.holder ?? 'nobody'}${controller.holder === controller.replicaId ? ' (this replica)' : ''}\n`)
  const views = Object.values(features)
  if (views.length === 0) {
    ctx.out.write('no feature has a rollout plan\n')
    return EXIT_OK
  }
  ctx.out.write(formatTable(['FEATURE', 'STATUS', 'STEP', 'NEXT', 'DECISION', 'WHY'], views.map((v) => [
    v.feature, `${v.status}${v.dryRun ? ' (dry run)' : ''}`, v.step ?? '-', v.nextStep ?? '-', v.last?.decision ?? '-', v.reason ?? v.last?.why ?? ''
  ])))
  return EXIT_OK
}
