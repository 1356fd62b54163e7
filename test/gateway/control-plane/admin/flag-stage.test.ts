/**
 * The stage past the canary in the flags view: `live` and `complete` only with the flag on at
 * 100 %, set and dropped through a PUT body like the other override fields.
 */
import t from 'tap'
import { mergeOverride } from '../../../../gateway/control-plane/admin/flag-routes.js'
import { stageOf } from '../../../../gateway/control-plane/admin/flag-view.js'
import type { EffectiveFlag } from '../../../../gateway/data-plane/routing/effective-flag.js'

const flag = (enabled: boolean, canary: number, stage: EffectiveFlag['stage']): EffectiveFlag =>
  ({ enabled, canary, stage, source: { enabled: 'admin', canary: 'admin' } })

t.test('stageOf: live and complete at 100 %; a stage below it or with the flag off says nothing', async (t) => {
  t.equal(stageOf(flag(true, 100, 'live'), 10), 'live')
  t.equal(stageOf(flag(true, 100, 'complete'), 10), 'complete')
  t.equal(stageOf(flag(true, 100, null), 10), 'new')
  t.equal(stageOf(flag(true, 50, 'live'), 10), 'canary')
  t.equal(stageOf(flag(false, 100, 'live'), 10), 'shadow')
})

t.test('mergeOverride: stage set, kept by a later PUT, dropped by null', async (t) => {
  const live = mergeOverride({ enabled: true, canary: 100 }, { stage: 'live' })
  t.same(live, { enabled: true, canary: 100, stage: 'live' })
  t.same(mergeOverride(live, { canary: 100 }), { enabled: true, canary: 100, stage: 'live' })
  t.same(mergeOverride(live, { stage: null }), { enabled: true, canary: 100 })
})
