import t from 'tap'
import { capHistories, DEFAULT_HISTORY_CAP, historyCapFromEnv } from '../../../new-services/session/history-cap.js'

t.test('keeps the newest entries of every history and leaves other keys alone', async (t) => {
  const capped = capHistories({
    chat_history: [1, 2, 3, 4],
    watch_history: [1],
    scenario_history: { scenario1: [1, 2, 3], scenario2: [] },
    strength_history: { chat: [1, 2, 3, 4] }
  }, 2)
  t.same(capped, { chat_history: [3, 4], watch_history: [1], scenario_history: { scenario1: [2, 3], scenario2: [] }, strength_history: { chat: [1, 2, 3, 4] } })
})

t.test('HISTORY_CAP: default, a number, or a loud failure', async (t) => {
  t.equal(historyCapFromEnv({}), DEFAULT_HISTORY_CAP)
  t.equal(historyCapFromEnv({ HISTORY_CAP: '20' }), 20)
  t.throws(() => historyCapFromEnv({ HISTORY_CAP: 'lots' }), /HISTORY_CAP must be a positive integer/)
  t.throws(() => historyCapFromEnv({ HISTORY_CAP: '0' }))
})
