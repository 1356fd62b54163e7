/**
 * The `strangler-gateway` command. Exit codes scripts can rely on: 0 success, 1 the thing
 * checked or asked for failed (invalid config, an HTTP error from the gateway, a not-ready
 * verdict with --fail-on-not-ready), 2 usage error, 3 the gateway cannot be reached.
 *
 * Each command's module is imported when that command runs, so `status` loads an HTTP client
 * and a table printer, not the gateway, the golden runner or the load generator.
 */
import { parseArgs } from 'node:util'
import { createAdminClient, DEFAULT_GATEWAY_URL, GatewayUnreachableError } from './admin-client.js'
import { EXIT_FAILURE, EXIT_UNREACHABLE, EXIT_USAGE, UsageError, type CliIo, type CommandContext } from './cli-context.js'

const USAGE = `usage: strangler-gateway <command> [options]

commands:
  start [--config routes.yaml] [--workers N|auto]
                                   run the gateway (PORT, HOST, ROUTES_FILE, REDIS_URL also apply);
                                   --workers runs one process per worker (auto: one per core)
  validate [routes.yaml]           check a routes.yaml; print every problem as file:line:col
  status                           health, upstreams, and every feature's flag, canary and source
  flag <feature> on|off [--canary N]
                                   set a feature's admin override (every replica follows)
  rollback [feature] [--reason TEXT]
                                   flag off and canary 0 for one feature, or for all; the reason
                                   goes into the audit trail and the rollback alert
  diffs [--feature F] [--limit N]  newest shadow diff records
  report <feature> [--fail-on-not-ready]
                                   old-vs-new report and its verdict
  known list [--feature F]         known differences: declared in routes.yaml and accepted (docs/comparison.md)
  known accept <feature> <route> <path> <kind> --reason TEXT [--ttl 30d]
                                   accept a difference as known: counted apart, not judged by the verdict
  known remove <id>                withdraw an accepted one
  pin issue <feature> new|legacy [--ttl 1h]
                                   a signed tester pin: that feature's requests carrying it go to
                                   that side whatever the flag and canary say (token alone on stdout)
  rollout [status] [feature]       where each feature's automatic rollout stands, and why
  rollout start|pause|resume|abort|complete <feature> [--dry-run]
                                   drive a rollout (routes.yaml features.<f>.rollout; docs/rollout.md)
  handoff check <feature> [--limit N]
                                   clone recent sessions, run a turn on new then legacy and legacy then new;
                                   exit 1 unless every sampled session hands off both ways
  golden record --cases FILE --target URL --out FILE [--session-dir DIR | --session-redis URL]
                                   run the cases against a target; save responses and touched session keys
  golden verify --golden FILE --target URL [--config routes.yaml] [--session-dir DIR | --session-redis URL]
                                   replay against another target and diff; exit 1 on a regression
  golden from-diffs [--input diffs.json] [--feature F] [--limit N] --out FILE
                                   turn shadow diff records (a file, or the gateway's /admin/diffs) into cases
  perf [--baseline URL --candidate URL] [--path P] [--method M] [--body JSON] [--requests 100]
       [--concurrency 10] [--threshold 1.1]
                                   p50/p95/p99 of legacy vs new; exit 1 when new p95 > threshold x legacy p95
  load [--scenario legacy-only|canary-50|shadow-100|all] [--duration S] [--connections N] [--rate R]
                                   autocannon against a gateway process over the stand-in and new services

options for the admin commands:
  --url URL    the gateway (default: GATEWAY_URL, else ${DEFAULT_GATEWAY_URL})
  --json       machine-readable output on stdout
  The bearer token is read from GATEWAY_ADMIN_TOKEN (never from the command line, where ps shows it).

exit codes: 0 ok, 1 failure, 2 usage, 3 cannot reach the gateway
`

const OPTIONS = {
  url: { type: 'string' },
  json: { type: 'boolean' },
  feature: { type: 'string' },
  limit: { type: 'string' },
  canary: { type: 'string' },
  reason: { type: 'string' },
  'fail-on-not-ready': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  config: { type: 'string' },
  workers: { type: 'string' },
  cases: { type: 'string' },
  target: { type: 'string' },
  golden: { type: 'string' },
  out: { type: 'string' },
  input: { type: 'string' },
  'session-dir': { type: 'string' },
  'session-redis': { type: 'string' },
  baseline: { type: 'string' },
  candidate: { type: 'string' },
  path: { type: 'string' },
  method: { type: 'string' },
  body: { type: 'string' },
  requests: { type: 'string' },
  concurrency: { type: 'string' },
  threshold: { type: 'string' },
  scenario: { type: 'string' },
  duration: { type: 'string' },
  connections: { type: 'string' },
  ttl: { type: 'string' },
  rate: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

/**
 * `load` runs the legacy stand-in, the new services and autocannon, which are the repository's
 * development dependencies, not the gateway's: an installed gateway says where to run it.
 */
async function repositoryTool<T> (command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err
    throw new Error(`"${command}" runs from a checkout of the strangler-gateway repository after \`npm ci\` ` +
      `(it needs the repository's development dependencies): ${(err as Error).message}`, { cause: err })
  }
}

export async function main (argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.out ?? process.stdout
  const err = io.err ?? process.stderr
  const env = io.env ?? process.env
  const [command, ...rest] = argv
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    out.write(USAGE)
    return command === undefined ? EXIT_USAGE : 0
  }
  try {
    const { values, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true, strict: true })
    if (values.help === true) {
      out.write(USAGE)
      return 0
    }
    const ctx = (): CommandContext => ({
      out,
      err,
      env,
      json: values.json === true,
      client: createAdminClient({ url: values.url ?? env.GATEWAY_URL ?? DEFAULT_GATEWAY_URL, token: env.GATEWAY_ADMIN_TOKEN })
    })
    switch (command) {
      case 'start': {
        const configFile = values.config ?? env.ROUTES_FILE ?? 'routes.yaml'
        const { startCommand } = await import('./start.js')
        return await startCommand({ configFile, workers: values.workers, log: err })
      }
      case 'validate':
        return await (await import('./validate.js')).validateCommand(positionals[0] ?? values.config ?? env.ROUTES_FILE ?? 'routes.yaml', out, err)
      case 'status':
        return await (await import('./control-commands.js')).statusCommand(ctx())
      case 'flag':
        return await (await import('./control-commands.js')).flagCommand(ctx(), { feature: positionals[0], state: positionals[1], canary: values.canary })
      case 'rollback':
        return await (await import('./control-commands.js')).rollbackCommand(ctx(), positionals[0] ?? values.feature, values.reason)
      case 'diffs':
        return await (await import('./read-commands.js')).diffsCommand(ctx(), { feature: values.feature, limit: values.limit })
      case 'report':
        return await (await import('./read-commands.js')).reportCommand(ctx(), positionals[0] ?? values.feature, values['fail-on-not-ready'] === true)
      case 'known':
        return await (await import('./known-commands.js')).knownCommand(ctx(), { positionals, feature: values.feature, reason: values.reason, ttl: values.ttl })
      case 'pin':
        return await (await import('./pin-commands.js')).pinCommand(ctx(), { action: positionals[0], feature: positionals[1], side: positionals[2], ttl: values.ttl })
      case 'rollout':
        return await (await import('./rollout-commands.js')).rolloutCommand(ctx(), { positionals, dryRun: values['dry-run'] === true })
      case 'handoff':
        return await (await import('./handoff-commands.js')).handoffCommand(ctx(), { positionals, limit: values.limit })
      case 'golden':
        return await (await import('./golden-commands.js')).goldenCommand(ctx(), positionals[0], { ...values, sessionDir: values['session-dir'], sessionRedis: values['session-redis'] })
      case 'perf':
        return await (await import('./perf-commands.js')).perfCommand(ctx(), values)
      case 'load':
        return await (await repositoryTool('load', async () => await import('./load-commands.js'))).loadCommand(ctx(), values)
      default:
        throw new UsageError(`unknown command "${command}"`)
    }
  } catch (error) {
    if (error instanceof GatewayUnreachableError) {
      err.write(`error: ${error.message}\n`)
      return EXIT_UNREACHABLE
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      err.write(`${(error as Error).message}\n\n${USAGE}`)
      return EXIT_USAGE
    }
    err.write(`error: ${(error as Error).message}\n`)
    return EXIT_FAILURE
  }
}
