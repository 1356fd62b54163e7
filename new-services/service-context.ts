/** What the service plugins share: the LLM, the scenarios, the environment they resolve models from. */
import type { LlmService } from './llm/llm-service.js'
import type { ScenarioCatalog } from './scenarios/scenario-catalog.js'

export type Env = Record<string, string | undefined>

export interface SessionStoreInfo {
  /** What /api/session/health reports as `session_store`. */
  kind: 'filesystem' | 'redis' | 'memory'
  /** Filesystem mode: the session directory. */
  sessionDir?: string
  /** Redis mode: PING the store's Redis; true when it answers. */
  ping?: () => Promise<boolean>
}

export interface ServiceContext {
  llm: LlmService
  scenarios: ScenarioCatalog
  /** Read for <MODE>_MODEL, DEFAULT_MODEL and the ENABLE_* feature flags. */
  env: Env
  sessionStore: SessionStoreInfo
}
