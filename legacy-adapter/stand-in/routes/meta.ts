/**
 * /api/models and /api/feature_flags. Offline there is no `genai.list_models()`, so the model
 * list is legacy's own fallback (gemini-1.5-pro and -flash). With model selection off the
 * response has a different shape, as in legacy.
 */
import type { FastifyInstance } from 'fastify'
import { sendFlaskJson } from '../flask-json.js'
import type { StandInContext } from '../stand-in-context.js'

const FALLBACK_MODELS = ['gemini-1.5-pro', 'gemini-1.5-flash'].map((name) => ({
  id: `gemini/${name}`,
  name,
  provider: 'gemini'
}))

export async function metaRoutes (app: FastifyInstance, context: StandInContext): Promise<void> {
  app.get('/api/models', async (_request, reply) => {
    if (!context.flags.modelSelection) {
      return sendFlaskJson(reply, 200, {
        models: [{ name: context.models.defaultModel, display_name: 'Default Model' }],
        feature_disabled: true,
        message: 'モデル選択機能は現在無効化されています'
      })
    }
    return sendFlaskJson(reply, 200, { models: FALLBACK_MODELS, categories: { gemini: FALLBACK_MODELS } })
  })

  app.get('/api/feature_flags', async (_request, reply) => sendFlaskJson(reply, 200, {
    model_selection: context.flags.modelSelection,
    tts: context.flags.tts,
    learning_history: context.flags.learningHistory,
    strength_analysis: context.flags.strengthAnalysis,
    default_model: context.models.defaultModel
  }))
}
