/**
 * `golden verify`: replays the golden file's cases against another target and compares every
 * response with the recorded one through the diff engine (compareExchange, golden as the legacy
 * side), and the session keys each step touched when both sides were recorded with a probe.
 */
import { compareExchange } from '../../analysis/diff/compare-exchange.js'
import type { Difference, Verdict } from '../../analysis/diff/diff-types.js'
import type { RulesFor } from './compare-rules.js'
import { casesOf, loadResponse, type GoldenFile } from './golden-file.js'
import { runCase, TargetUnreachableError } from './run-case.js'
import type { SessionProbe } from './session-probe.js'

export interface StepResult {
  method: string
  path: string
  feature: string | null
  mode: string
  verdict: Verdict
  differences: Difference[]
  reason?: string
}

export interface CaseResult {
  name: string
  ok: boolean
  steps: StepResult[]
  /** Set when the case could not be run at all (target unreachable). */
  error?: string
}

export interface VerifyReport {
  target: string
  golden: { target: string, recordedAt: string }
  /** Whether session keys were compared, and why not. */
  sessions: string
  passed: number
  failed: number
  skipped: Array<{ name: string, reason: string }>
  cases: CaseResult[]
}

export interface VerifyOptions {
  target: string
  rulesFor: RulesFor
  probe?: SessionProbe
}

function sessionDifference (recorded: string[] | undefined, seen: string[] | undefined): Difference[] {
  if (recorded === undefined || seen === undefined) return []
  if (recorded.join('\0') === seen.join('\0')) return []
  return [{ kind: 'session', path: 'session.touchedKeys', legacy: recorded, candidate: seen }]
}

export async function verifyGolden (golden: GoldenFile, options: VerifyOptions): Promise<VerifyReport> {
  const compareSessions = golden.sessions !== null && options.probe !== undefined
  const report: VerifyReport = {
    target: options.target,
    golden: { target: golden.target, recordedAt: golden.recordedAt },
    sessions: compareSessions
      ? `compared (recorded from ${golden.sessions as string}; read from ${options.probe?.describe as string})`
      : golden.sessions === null ? 'not compared: the golden file has no session keys' : 'not compared: no session store given for the target',
    passed: 0,
    failed: 0,
    skipped: golden.skipped,
    cases: []
  }
  const cases = casesOf(golden)
  for (const [i, testCase] of cases.entries()) {
    const recorded = golden.cases[i]
    const result: CaseResult = { name: testCase.name, ok: true, steps: [] }
    try {
      const run = await runCase(options.target, testCase, { probe: compareSessions ? options.probe : undefined })
      for (const [j, step] of run.steps.entries()) {
        const rules = options.rulesFor(step.step, testCase.compare)
        const exchange = compareExchange(loadResponse(recorded.steps[j].response), step.response, rules)
        const differences = [...exchange.differences, ...sessionDifference(recorded.steps[j].sessionKeys, step.sessionKeys)]
        const verdict: Verdict = exchange.verdict === 'equal' && differences.length > 0 ? 'different' : exchange.verdict
        const stepResult: StepResult = { method: step.step.method, path: step.step.path, feature: rules.feature, mode: rules.mode, verdict, differences }
        if (exchange.reason !== undefined) stepResult.reason = exchange.reason
        if (verdict !== 'equal') result.ok = false
        result.steps.push(stepResult)
      }
    } catch (err) {
      if (!(err instanceof TargetUnreachableError)) throw err
      result.ok = false
      result.error = err.message
    }
    if (result.ok) report.passed++
    else report.failed++
    report.cases.push(result)
  }
  return report
}
