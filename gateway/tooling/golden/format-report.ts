/** The verifier's report for people: one line per case, and under a failing case every difference with its path and both values. */
import type { VerifyReport } from './verify.js'

const MAX_VALUE_CHARS = 160

export function showValue (value: unknown): string {
  if (value === undefined) return '(absent)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}...` : text
}

export function formatVerifyReport (report: VerifyReport): string {
  const lines = [`golden verify: ${report.target} against the recording of ${report.golden.target} (${report.golden.recordedAt})`]
  lines.push(`session keys: ${report.sessions}`, '')
  for (const result of report.cases) {
    lines.push(`${result.ok ? 'PASS' : 'FAIL'}  ${result.name}`)
    if (result.error !== undefined) lines.push(`      error: ${result.error}`)
    for (const [i, step] of result.steps.entries()) {
      if (step.verdict === 'equal') continue
      const rules = `${step.mode}${step.feature === null ? '' : `, feature ${step.feature}`}`
      lines.push(`      step ${i + 1} ${step.method} ${step.path}: ${step.verdict} (${rules})${step.reason === undefined ? '' : `: ${step.reason}`}`)
      for (const d of step.differences) {
        lines.push(`        ${d.kind} ${d.path}: golden ${showValue(d.legacy)}, now ${showValue(d.candidate)}`)
      }
    }
  }
  for (const skipped of report.skipped) lines.push(`SKIP  ${skipped.name}: ${skipped.reason}`)
  lines.push('', `${report.passed} passed, ${report.failed} failed${report.skipped.length > 0 ? `, ${report.skipped.length} skipped` : ''}`)
  return `${lines.join('\n')}\n`
}
