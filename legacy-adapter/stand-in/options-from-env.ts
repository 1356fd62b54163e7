/**
 * The stand-in reads the legacy app's own environment names where legacy has one, so a .env
 * written for the Flask app configures the stand-in the same way.
 */
import type { LegacyStandInOptions } from './app.js'
import { modelSettingsFromEnv } from './models.js'

export const DEFAULT_STAND_IN_PORT = 5001
export const DEFAULT_STAND_IN_HOST = '127.0.0.1'

/** Legacy's pydantic booleans: true/1/yes/on, case-insensitive; unset keeps the default. */
function flag (value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  return ['true', '1', 'yes', 'on'].includes(value.toLowerCase())
}

export function standInOptionsFromEnv (env: NodeJS.ProcessEnv = process.env): LegacyStandInOptions {
  const mode = env.SESSION_TYPE === 'redis' ? 'redis' : 'filesystem'
  return {
    sessionMode: mode,
    sessionDir: env.SESSION_FILE_DIR || undefined,
    redisUrl: env.REDIS_URL || undefined,
    secretKey: env.FLASK_SECRET_KEY || undefined,
    scenariosDir: env.LEGACY_SCENARIOS_DIR || undefined,
    models: modelSettingsFromEnv(env),
    flags: {
      modelSelection: flag(env.ENABLE_MODEL_SELECTION, true),
      tts: flag(env.ENABLE_TTS, false),
      learningHistory: flag(env.ENABLE_LEARNING_HISTORY, true),
      strengthAnalysis: flag(env.ENABLE_STRENGTH_ANALYSIS, true)
    }
  }
}

export function listenAddressFromEnv (env: NodeJS.ProcessEnv = process.env): { port: number, host: string } {
  const port = Number(env.PORT ?? DEFAULT_STAND_IN_PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${env.PORT}"`)
  return { port, host: env.HOST || DEFAULT_STAND_IN_HOST }
}
