/** compare.session.keys: per session key, exact for settings, shape for generated text, ignore for tokens. */
import t from 'tap'
import { compareSessions } from '../../../../gateway/analysis/diff/compare-sessions.js'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { routesYaml } from '../../../helpers/gateway.js'

/** A feature's compare rules as routes.yaml gives them: shape mode, the default session keys. */
function featureCompare (compare: Record<string, unknown> = {}) {
  const config = parseRoutesConfig(routesYaml({
    legacy: 'http://127.0.0.1:9',
    new: 'http://127.0.0.1:9',
    features: { chat: { compare: { mode: 'shape', ...compare } } }
  }))
  return config.features.chat.compare
}

// The stateful shadow of /api/start_chat against the real app: new stores another persona prompt.
const legacy = {
  chat_settings: { system_prompt: 'あなたは職場での雑談練習をサポートするAIアシスタントです。\n# 設定\n- 相手: 40代の課長', partner_type: 'manager' },
  chat_history: [{ human: 'こんにちは', ai: 'こんにちは！今日はどうでしたか。', timestamp: '2026-12-04T10:00:00' }],
  csrf_token: 'aaa'
}
const candidate = {
  chat_settings: { system_prompt: 'あなたは職場の落ち着いた上司として、ユーザーと雑談をします。', partner_type: 'manager' },
  chat_history: [{ human: 'こんにちは', ai: 'お疲れさまです。何か話しましょう。', timestamp: '2026-12-04T10:00:01' }],
  csrf_token: 'bbb'
}

t.test('with the default key rules the persona prompt differs; generated text and tokens do not', async (t) => {
  const compare = featureCompare()
  t.same(compare.session.keys, { chat_settings: 'exact', 'chat_history[].ai': 'shape', 'csrf_token*': 'ignore' }, 'the shipped defaults')
  const diffs = compareSessions(legacy, candidate, compare, compare.session.keys)
  t.same(diffs.map((d) => d.path), ['session.chat_settings.system_prompt'])
  t.match(diffs[0], { kind: 'session', legacy: legacy.chat_settings.system_prompt, candidate: candidate.chat_settings.system_prompt })
})

t.test('without them, the feature\'s shape mode hides the prompt', async (t) => {
  const compare = featureCompare({ session: { keys: {} } })
  t.same(compareSessions(legacy, candidate, compare, compare.session.keys), [])
})

t.test('in exact mode a shape rule still covers generated text, and an ignore rule a token', async (t) => {
  const compare = featureCompare({ mode: 'exact', ignorePaths: ['chat_history[].timestamp'] })
  const same = { ...candidate, chat_settings: legacy.chat_settings }
  t.same(compareSessions(legacy, same, compare, compare.session.keys), [], 'ai text and csrf_token differ, but by the rules not')
  const typeChanged = { ...same, chat_history: [{ ...same.chat_history[0], ai: 42 }] }
  t.match(compareSessions(legacy, typeChanged, compare, compare.session.keys), [{ path: 'session.chat_history.0.ai', legacy: 'string', candidate: 'number' }], 'shape still sees a type change')
  const keyGone = { ...same, csrf_token_expiry: 5 }
  t.same(compareSessions(legacy, keyGone, compare, compare.session.keys), [], 'csrf_token* names every key with that prefix')
})

t.test('the deepest rule wins: exact inside a shape-compared object', async (t) => {
  const compare = featureCompare({ session: { keys: { chat_settings: 'shape', 'chat_settings.partner_type': 'exact' } } })
  const partner = { ...legacy, chat_settings: { ...legacy.chat_settings, system_prompt: 'other text', partner_type: 'colleague' } }
  t.same(compareSessions(legacy, partner, compare, compare.session.keys).map((d) => d.path), ['session.chat_settings.partner_type'])
})
