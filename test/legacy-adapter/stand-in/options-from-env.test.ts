import t from 'tap'
import { listenAddressFromEnv, standInOptionsFromEnv } from '../../../legacy-adapter/stand-in/options-from-env.js'

t.test('defaults: filesystem sessions, 127.0.0.1:5001, legacy flag defaults', async (t) => {
  const options = standInOptionsFromEnv({})
  t.equal(options.sessionMode, 'filesystem')
  t.same(options.flags, { modelSelection: true, tts: false, learningHistory: true, strengthAnalysis: true })
  t.equal(options.models?.defaultModel, 'gemini/gemini-1.5-flash')
  t.same(listenAddressFromEnv({}), { port: 5001, host: '127.0.0.1' })
})

t.test('the legacy environment names configure the stand-in', async (t) => {
  const options = standInOptionsFromEnv({
    SESSION_TYPE: 'redis',
    REDIS_URL: 'redis://127.0.0.1:6380/2',
    FLASK_SECRET_KEY: 'k'.repeat(32),
    ENABLE_MODEL_SELECTION: 'false',
    ENABLE_TTS: 'True',
    DEFAULT_MODEL: 'gemini/gemini-2.5-flash',
    SESSION_FILE_DIR: '/srv/sessions'
  })
  t.match(options, {
    sessionMode: 'redis',
    redisUrl: 'redis://127.0.0.1:6380/2',
    secretKey: 'k'.repeat(32),
    sessionDir: '/srv/sessions',
    flags: { modelSelection: false, tts: true },
    models: { defaultModel: 'gemini/gemini-2.5-flash' }
  })
  t.same(listenAddressFromEnv({ PORT: '0', HOST: '::1' }), { port: 0, host: '::1' })
  t.throws(() => listenAddressFromEnv({ PORT: 'http' }), /PORT must be a port number/)
})
