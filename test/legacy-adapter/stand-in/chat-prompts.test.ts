/**
 * The stand-in's /api/start_chat persona is legacy's own text (docs/legacy-app.md §8), so what
 * it stores is what the new services must store too.
 */
import t from 'tap'
import { chatSystemPrompt } from '../../../legacy-adapter/stand-in/chat-prompts.js'
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

t.test('an unknown partner type is 同僚', async (t) => {
  const prompt = chatSystemPrompt('intern', 'break', 'general')
  t.match(prompt, /^- 相手: 同僚$/m)
  t.notMatch(prompt, /職場の職場/)
})
