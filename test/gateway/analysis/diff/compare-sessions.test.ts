import t from 'tap'
import { compareSessions, withSessionDifferences } from '../../../../gateway/analysis/diff/compare-sessions.js'
import { DEFAULT_COMPARE_RULES, type CompareRules } from '../../../../gateway/analysis/diff/diff-types.js'

const rules = (over: Partial<CompareRules> = {}): CompareRules => ({ ...DEFAULT_COMPARE_RULES, ...over })
const entry = (human: string, ai: string, timestamp: string): Record<string, string> => ({ human, ai, timestamp })

t.test('differences are of kind session, under session., with the feature ignore paths applied', async (t) => {
  const legacy = { chat_history: [entry('a', 'x', 't1'), entry('b', 'y', 't2')], csrf_token: 'same' }
  const candidate = { chat_history: [entry('a', 'x', 't9'), entry('b', 'z', 't8')], csrf_token: 'same' }
  t.same(compareSessions(legacy, candidate, rules({ ignorePaths: ['chat_history[].timestamp'] })), [
    { kind: 'session', path: 'session.chat_history.1.ai', legacy: 'y', candidate: 'z' }
  ])
  t.same(compareSessions(legacy, candidate, rules({ ignorePaths: ['chat_history[].timestamp', 'chat_history[].ai'] })), [])
})

t.test('a history entry missing on one side, and a session missing altogether', async (t) => {
  const one = { chat_history: [entry('a', 'x', 't')] }
  const two = { chat_history: [entry('a', 'x', 't'), entry('b', 'y', 't')] }
  t.match(compareSessions(one, two, rules()), [{ kind: 'session', path: 'session.chat_history.1' }])
  t.match(compareSessions(one, null, rules()), [{ kind: 'session', path: 'session' }])
  t.same(compareSessions(null, null, rules()), [])
})

t.test('shape mode frees values, as for the responses of the same feature', async (t) => {
  const legacy = { chat_history: [entry('a', 'one reply', 't')] }
  t.same(compareSessions(legacy, { chat_history: [entry('a', 'another reply', 't')] }, rules({ mode: 'shape' })), [])
  t.match(compareSessions(legacy, { chat_history: [{ role: 'user', content: 'a' }] }, rules({ mode: 'shape' })), [{ kind: 'session' }])
})

t.test('Python values JSON cannot hold are compared as plain values', async (t) => {
  t.same(compareSessions({ n: 2n ** 64n, b: Buffer.from('x') }, { n: 2n ** 64n, b: Buffer.from('x') }, rules()), [])
  t.match(compareSessions({ b: Buffer.from('x') }, { b: Buffer.from('y') }, rules()), [{ path: 'session.b.bytes' }])
})

t.test('session differences turn an equal exchange different; errors and too_large stay as they are', async (t) => {
  const diff = [{ kind: 'session' as const, path: 'session.a', legacy: 1, candidate: 2 }]
  t.match(withSessionDifferences({ verdict: 'equal', differences: [], noiseDropped: 0 }, diff), { verdict: 'different', differences: diff })
  t.match(withSessionDifferences({ verdict: 'error', differences: [], noiseDropped: 0, reason: 'x' }, diff), { verdict: 'error', differences: [] })
  t.match(withSessionDifferences({ verdict: 'equal', differences: [], noiseDropped: 0 }, []), { verdict: 'equal' })
})
