/**
 * The persona /api/start_chat stores must be legacy's own text (docs/legacy-app.md §8): legacy
 * reads chat_settings.system_prompt back on every later turn, also after a rollback.
 */
import t from 'tap'
import { chatSystemPrompt } from '../../../new-services/chat/chat-prompts.js'
import { legacyPersonaPrompt, PERSONA_FALLBACK_CASES, personaCombinations, personaPromptFor } from '../../contract/legacy-persona.js'

for (const [partner, situation, topic] of personaCombinations()) {
  t.test(`${partner} / ${situation} / ${topic}`, async (t) => {
    t.equal(chatSystemPrompt(partner, situation, topic), legacyPersonaPrompt(partner, situation, topic))
  })
}

t.test('keys outside the tables get legacy\'s fallbacks', async (t) => {
  for (const { keys, expected } of PERSONA_FALLBACK_CASES) {
    t.equal(chatSystemPrompt(...keys), personaPromptFor(...expected), JSON.stringify(keys))
  }
})

t.test('regression: an unknown partner type is 同僚, not 職場の職場の相手', async (t) => {
  const prompt = chatSystemPrompt('intern', 'break', 'general')
  t.match(prompt, /^- 相手: 同僚$/m)
  t.notMatch(prompt, /職場の職場/)
})
