/** An alert names what was rolled back; from the live stage, that it was live. */
import t from 'tap'
import { describeOverride } from '../../../../gateway/control-plane/alerts/rollback-alert.js'

t.test('the live stage is named in the rolled-back override', async (t) => {
  t.equal(describeOverride({ enabled: true, canary: 100, stage: 'live' }), 'flag on, canary 100%, live')
  t.equal(describeOverride({ enabled: true, canary: 100 }), 'flag on, canary 100%')
})
