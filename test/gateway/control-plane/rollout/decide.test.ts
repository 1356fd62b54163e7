import t from 'tap'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { decide, stepVerdict } from '../../../../gateway/control-plane/rollout/rollout-decision.js'
import { planProblems, stepOverride } from '../../../../gateway/control-plane/rollout/plan.js'
import type { DecisionFigures } from '../../../../gateway/control-plane/rollout/rollout-state.js'
import { rolloutRoutesYaml } from './rollout-harness.js'

const base = { readySince: null, bakeMs: 1_000, autoRollback: true, dryRun: false, now: 10_000 }

t.test('decide: promote only after a whole bake time of ready; hold; roll back or pause on not_ready', async (t) => {
  t.match(decide({ ...base, verdict: 'ready' }), { decision: 'bake', readySince: 10_000 }, 'the first ready starts the bake')
  t.match(decide({ ...base, verdict: 'ready', readySince: 9_500 }), { decision: 'bake', readySince: 9_500 })
  t.match(decide({ ...base, verdict: 'ready', readySince: 9_000 }), { decision: 'promote' }, 'ready for the whole bake time')
  t.match(decide({ ...base, verdict: 'insufficient_data', readySince: 1 }), { decision: 'hold', readySince: null }, 'insufficient data holds and restarts the bake')
  t.match(decide({ ...base, verdict: 'not_ready', readySince: 1 }), { decision: 'rollback', readySince: null })
  t.match(decide({ ...base, verdict: 'not_ready', autoRollback: false }), { decision: 'pause' })
  t.match(decide({ ...base, verdict: 'not_ready', dryRun: true }), { decision: 'would_rollback' })
  t.match(decide({ ...base, verdict: 'ready', readySince: 0, dryRun: true }), { decision: 'would_promote' })
  t.match(decide({ ...base, verdict: 'ready', bakeMs: 0 }), { decision: 'promote' }, 'no bake time: the first ready promotes')
})

t.test('stepVerdict: a step is ready only on its own evidence', async (t) => {
  const side = (requests: number) => ({ requests, errorRate: 0, p95Ms: 5 })
  const figures = (shadow: number, liveOld: number, liveNew: number): DecisionFigures => ({
    since: null,
    verdict: 'ready',
    reasons: [],
    minSamples: 20,
    shadow: { pairs: shadow, diffRate: 0, old: side(shadow), new: side(shadow) },
    live: { old: side(liveOld), new: side(liveNew) }
  })
  t.match(stepVerdict(10, figures(100, 100, 5)), { verdict: 'insufficient_data', why: /5 new-served/ }, 'shadow pairs alone do not make a canary step ready')
  t.match(stepVerdict(10, figures(0, 100, 20)), { verdict: 'ready' })
  t.match(stepVerdict('shadow', figures(10, 100, 0)), { verdict: 'insufficient_data', why: /shadow pairs: 10 of 20/ })
  t.match(stepVerdict('shadow', figures(20, 100, 0)), { verdict: 'ready' })
  t.match(stepVerdict(10, { ...figures(0, 0, 0), verdict: 'not_ready' }), { verdict: 'not_ready' }, 'not_ready stands')
})

t.test('plans: steps map to overrides; what the schema cannot check is checked here', async (t) => {
  t.same(stepOverride('shadow'), { enabled: false, canary: 0 })
  t.same(stepOverride(25), { enabled: true, canary: 25 })
  const feature = (plan: unknown, sample = 100): Parameters<typeof planProblems>[1] =>
    parseRoutesConfig(rolloutRoutesYaml('http://a', 'http://b', 'chat', plan as Record<string, unknown>).replace('sample: 100', `sample: ${sample}`)).features.chat
  const problems = (plan: { steps: unknown[] }, sample?: number): string[] => {
    const config = feature(plan, sample)
    return planProblems(config.rollout!, config)
  }
  t.same(problems({ steps: ['shadow', 1, 10, 50, 100] }), [])
  t.match(problems({ steps: [10, 'shadow'] }), [/shadow can only be the first step/])
  t.match(problems({ steps: [10, 50, 50] }), [/canary steps must increase/])
  t.match(problems({ steps: ['shadow', 100] }, 0), [/needs shadow.sample > 0/])
  t.throws(() => feature({ steps: [0, 'canary', 101] }), /steps\[0\]: must be > 0[\s\S]*steps\[1\]: must match pattern[\s\S]*steps\[2\]: must be <= 100/)
})
