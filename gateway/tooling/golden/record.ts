/** `golden record`: runs every case of a cases file against a target and builds the golden file. */
import type { CasesFile } from './cases-file.js'
import { GOLDEN_FORMAT, goldenCaseRecord, type GoldenFile } from './golden-file.js'
import { runCase } from './run-case.js'
import type { SessionProbe } from './session-probe.js'

export interface RecordOptions {
  target: string
  probe?: SessionProbe
  /** Called after each case, for progress lines. */
  onCase?: (name: string, steps: number) => void
  now?: () => Date
}

export async function recordGolden (cases: CasesFile, options: RecordOptions): Promise<GoldenFile> {
  const golden: GoldenFile = {
    format: GOLDEN_FORMAT,
    recordedAt: (options.now ?? (() => new Date()))().toISOString(),
    target: options.target,
    sessions: options.probe?.describe ?? null,
    ignorePaths: cases.ignorePaths,
    cases: [],
    skipped: []
  }
  for (const testCase of cases.cases) {
    if (testCase.skip !== undefined) {
      golden.skipped.push({ name: testCase.name, reason: testCase.skip })
      continue
    }
    const run = await runCase(options.target, testCase, { probe: options.probe })
    golden.cases.push(goldenCaseRecord(testCase, run))
    options.onCase?.(testCase.name, run.steps.length)
  }
  return golden
}
