/**
 * The legacy contract as executable checks, run against any server that claims to speak it:
 * the legacy stand-in (stand-in.contract.test.ts) and the new services. Each check is named;
 * a target lists the checks it deliberately fails in `differences` (with the reason in its own
 * test file), and those are reported as skipped rather than silently dropped.
 *
 * Usage:
 *   await runContractSuite(t, {
 *     name: 'new-services',
 *     start: async () => ({ baseUrl, close, readSession }),
 *     differences: new Set(['v2 chat: legacy streams exactly one error event'])
 *   })
 */
import type { Test } from 'tap'
import type { SessionData } from '../../legacy-adapter/session/session-types.js'
import { ContractClient } from './contract-client.js'
import type { ScenarioFixtures } from './scenario-fixtures.js'
import { loadScenarioFixtures } from './scenario-fixtures.js'
import { chatChecks } from './checks/chat-checks.js'
import { csrfChecks } from './checks/csrf-checks.js'
import { historyChecks } from './checks/history-checks.js'
import { metaChecks } from './checks/meta-checks.js'
import { scenarioChecks } from './checks/scenario-checks.js'
import { v2ChatChecks } from './checks/v2-chat-checks.js'
import { watchChecks } from './checks/watch-checks.js'

export interface RunningTarget {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string
  close (): Promise<void>
  /** The session dict as the target's store holds it (null when there is none). */
  readSession (sid: string): Promise<SessionData | null>
  /** Session id of a cookie value; default: the value itself (Flask-Session's unsigned cookie). */
  sessionIdFromCookie? (cookieValue: string): string | null
}

/** What a check may ask of a second instance of the target. */
export interface TargetOptions {
  /** Serve this scenario folder instead of the suite's. */
  scenariosDir?: string
}

export interface ContractTarget {
  name: string
  /** Boots the target; with options, a second instance a check starts and closes itself. */
  start (options?: TargetOptions): Promise<RunningTarget>
  /** Names of checks this target intentionally does not meet; they are skipped and listed. */
  differences?: ReadonlySet<string>
  /** The scenario folder the target serves; default the stand-in's samples. */
  scenariosDir?: string
}

export interface CheckContext {
  /** A new client: a new browser, no cookie. */
  client (): ContractClient
  /** The stored session behind a client's cookie. */
  session (client: ContractClient): Promise<SessionData | null>
  scenarios: ScenarioFixtures
  /** Another instance of the target (e.g. on a scenario folder of the check's own); closed by the check. */
  startTarget (options: TargetOptions): Promise<RunningTarget>
}

export interface ContractCheck {
  name: string
  run (t: Test, context: CheckContext): Promise<void>
}

export const CONTRACT_CHECKS: readonly ContractCheck[] = [
  ...metaChecks,
  ...csrfChecks,
  ...chatChecks,
  ...historyChecks,
  ...scenarioChecks,
  ...watchChecks,
  ...v2ChatChecks
]

export async function runContractSuite (t: Test, target: ContractTarget): Promise<void> {
  const running = await target.start()
  t.teardown(() => running.close())
  const differences = target.differences ?? new Set<string>()
  const unknown = [...differences].filter((name) => !CONTRACT_CHECKS.some((check) => check.name === name))
  t.same(unknown, [], 'every declared difference names a real check')

  const context: CheckContext = {
    client: () => new ContractClient(running.baseUrl),
    async session (client) {
      if (client.cookie === undefined) return null
      const sid = running.sessionIdFromCookie === undefined ? client.cookie : running.sessionIdFromCookie(client.cookie)
      return sid === null ? null : await running.readSession(sid)
    },
    scenarios: loadScenarioFixtures(target.scenariosDir),
    startTarget: async (options) => await target.start(options)
  }

  for (const check of CONTRACT_CHECKS) {
    const skip = differences.has(check.name) ? `intended difference of ${target.name}` : false
    await t.test(check.name, { skip }, async (sub) => { await check.run(sub, context) })
  }
}
