/**
 * `golden record`, `golden verify` and `golden from-diffs`: regression tests from recorded
 * answers (docs/testing-tools.md). Exit 1 from verify means at least one case regressed.
 */
import { existsSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { loadRoutesFile } from '../../core/config/load-config.js'
import type { DiffRecord } from '../../analysis/diff-store/diff-store-types.js'
import { loadCasesFile } from '../golden/cases-file.js'
import { createRulesResolver } from '../golden/compare-rules.js'
import { formatVerifyReport } from '../golden/format-report.js'
import { casesFromDiffRecords, readDiffRecords } from '../golden/from-diffs.js'
import { readGoldenFile, writeGoldenFile } from '../golden/golden-file.js'
import { recordGolden } from '../golden/record.js'
import { createSessionProbe, type SessionProbe } from '../golden/session-probe.js'
import { verifyGolden } from '../golden/verify.js'
import { answered, EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'

export interface GoldenOptions {
  cases?: string
  target?: string
  golden?: string
  out?: string
  config?: string
  sessionDir?: string
  sessionRedis?: string
  input?: string
  feature?: string
  limit?: string
}

function probeFrom (ctx: CommandContext, options: GoldenOptions): SessionProbe | undefined {
  if (options.sessionDir !== undefined && options.sessionRedis !== undefined) throw new UsageError('give --session-dir or --session-redis, not both')
  if (options.sessionRedis !== undefined && (ctx.env.FLASK_SECRET_KEY ?? '') === '') {
    throw new UsageError('--session-redis needs FLASK_SECRET_KEY, the legacy app\'s SECRET_KEY, to verify its signed session cookies')
  }
  return createSessionProbe({ dir: options.sessionDir, redisUrl: options.sessionRedis, secretKey: ctx.env.FLASK_SECRET_KEY })
}

function required (value: string | undefined, usage: string): string {
  if (value === undefined || value === '') throw new UsageError(`usage: ${usage}`)
  return value
}

async function recordCommand (ctx: CommandContext, options: GoldenOptions): Promise<number> {
  const usage = 'golden record --cases FILE --target URL --out FILE [--session-dir DIR | --session-redis URL]'
  const casesFile = required(options.cases, usage)
  const target = required(options.target, usage)
  const out = required(options.out, usage)
  const cases = await loadCasesFile(casesFile)
  const probe = probeFrom(ctx, options)
  try {
    const golden = await recordGolden(cases, {
      target,
      probe,
      onCase: (name, steps) => { ctx.err.write(`recorded ${name} (${steps} steps)\n`) }
    })
    await writeGoldenFile(out, golden)
    const skipped = golden.skipped.length > 0 ? `, ${golden.skipped.length} skipped` : ''
    ctx.out.write(`${golden.cases.length} cases recorded from ${target} into ${out}${skipped}; session keys: ${golden.sessions ?? 'not recorded'}\n`)
    return EXIT_OK
  } finally {
    await probe?.close()
  }
}

async function verifyCommand (ctx: CommandContext, options: GoldenOptions): Promise<number> {
  const usage = 'golden verify --golden FILE --target URL [--config routes.yaml] [--session-dir DIR | --session-redis URL]'
  const goldenFile = required(options.golden, usage)
  const target = required(options.target, usage)
  const golden = await readGoldenFile(goldenFile)
  const configFile = options.config ?? (existsSync('routes.yaml') ? 'routes.yaml' : undefined)
  const config = configFile === undefined ? undefined : await loadRoutesFile(configFile)
  const probe = probeFrom(ctx, options)
  try {
    const report = await verifyGolden(golden, { target, rulesFor: createRulesResolver(golden.ignorePaths, config), probe })
    if (ctx.json) ctx.out.write(`${JSON.stringify({ ...report, compareRules: configFile ?? null })}\n`)
    else ctx.out.write(`compare rules: ${configFile === undefined ? 'defaults (no routes.yaml)' : `${configFile} features`}\n${formatVerifyReport(report)}`)
    return report.failed > 0 ? EXIT_FAILURE : EXIT_OK
  } finally {
    await probe?.close()
  }
}

async function fromDiffsCommand (ctx: CommandContext, options: GoldenOptions): Promise<number> {
  const out = required(options.out, 'golden from-diffs [--input diffs.json | --url GATEWAY] [--feature F] [--limit N] --out cases.yaml')
  let records: DiffRecord[]
  if (options.input !== undefined) {
    records = await readDiffRecords(options.input)
  } else {
    const query = new URLSearchParams({ limit: options.limit ?? '500' })
    if (options.feature !== undefined) query.set('feature', options.feature)
    const response = await ctx.client.call('GET', `/admin/diffs?${query.toString()}`)
    if (!answered(ctx, response)) return EXIT_FAILURE
    records = (response.body as { records?: DiffRecord[] }).records ?? []
  }
  const { yaml, cases, skipped } = casesFromDiffRecords(records.filter((r) => options.feature === undefined || r.feature === options.feature))
  await writeFile(out, yaml)
  ctx.out.write(`${cases} cases from ${records.length} diff records into ${out} (${skipped} marked skip: their request bodies are not recorded)\n`)
  return EXIT_OK
}

export async function goldenCommand (ctx: CommandContext, sub: string | undefined, options: GoldenOptions): Promise<number> {
  switch (sub) {
    case 'record': return await recordCommand(ctx, options)
    case 'verify': return await verifyCommand(ctx, options)
    case 'from-diffs': return await fromDiffsCommand(ctx, options)
    default: throw new UsageError('usage: golden record|verify|from-diffs ...')
  }
}
