/** Issue 17's goals table, filled from one run's figures; a figure a trial did not measure shows as '-'. */
import { fixed } from './stats.js'

export interface Figures {
  gatewayOverBare?: number
  gatewayOverNginx?: number
  shadowOverMirror?: number
  slowShadowP95?: number
  mirrorSlowP95?: number
  shadowOnOffP95?: number
  coverage?: number
  rssOverIdleMb?: number
  halfRate?: number
}

const met = (value: number | undefined, ok: (v: number) => boolean): string =>
  value === undefined || !Number.isFinite(value) ? '-' : ok(value) ? 'yes' : 'NO'

export function printGoals (f: Figures, command: string): void {
  const rate = f.halfRate === undefined ? 'half the maximum' : `${f.halfRate} req/s, half the maximum`
  const rows: Array<[string, string, string, string]> = [
    ['gateway legacy-only / bare undici proxy (req/s)', fixed(f.gatewayOverBare ?? NaN), '>= 0.9', met(f.gatewayOverBare, (v) => v >= 0.9)],
    ['gateway legacy-only / nginx (req/s)', fixed(f.gatewayOverNginx ?? NaN), '>= 0.5', met(f.gatewayOverNginx, (v) => v >= 0.5)],
    ['shadow 100% + diff + memory record / nginx mirror (req/s)', fixed(f.shadowOverMirror ?? NaN), '>= 1.2', met(f.shadowOverMirror, (v) => v >= 1.2)],
    [`users' p95, 10 s slow shadow target / no shadow, at ${rate}`,
      `${fixed(f.slowShadowP95 ?? NaN)} (nginx mirror: ${fixed(f.mirrorSlowP95 ?? NaN)})`, '<= 1.1', met(f.slowShadowP95, (v) => v <= 1.1)],
    [`users' p95, shadow 100% asked / off, at ${rate} (shadow off)`,
      `${fixed(f.shadowOnOffP95 ?? NaN)} (coverage kept ${f.coverage === undefined || !Number.isFinite(f.coverage) ? '-' : `${Math.round(f.coverage * 100)}%`})`, '<= 1.1', met(f.shadowOnOffP95, (v) => v <= 1.1)],
    ['peak RSS over idle, 256 KB answers, 10 s slow shadow, 100 req/s (MB)', fixed(f.rssOverIdleMb ?? NaN, 1), '<= 100', met(f.rssOverIdleMb, (v) => v <= 100)]
  ]
  console.log(`goals (issue 17), from this run: ${command}\n`)
  console.log('| figure | measured | goal | met? |\n|---|---:|---:|---|')
  for (const row of rows) console.log(`| ${row.join(' | ')} |`)
}
