/**
 * The `strangler-gateway` command. Exit codes scripts can rely on: 0 success, 1 the thing
 * checked or asked for failed (invalid config, an HTTP error from the gateway, a not-ready
 * verdict with --fail-on-not-ready), 2 usage error, 3 the gateway cannot be reached.
 */
import { parseArgs } from 'node:util'
import { createAdminClient, DEFAULT_GATEWAY_URL, GatewayUnreachableError } from './admin-client.js'
import { EXIT_FAILURE, EXIT_UNREACHABLE, EXIT_USAGE, UsageError, type CliIo, type CommandContext } from './cli-context.js'
import { flagCommand, rollbackCommand, statusCommand } from './control-commands.js'
import { diffsCommand, reportCommand } from './read-commands.js'
import { validateCommand } from './validate.js'

const USAGE = `usage: strangler-gateway <command> [options]

commands:
  start [--config routes.yaml] [--workers N|auto]
                                   run the gateway (PORT, HOST, ROUTES_FILE, REDIS_URL also apply);
                                   --workers runs one process per worker (auto: one per core)
  validate [routes.yaml]           check a routes.yaml; print every problem as file:line:col
  status                           health, upstreams, and every feature's flag, canary and source
  flag <feature> on|off [--canary N]
                                   set a feature's admin override (every replica follows)
  rollback [feature]               flag off and canary 0 for one feature, or for all
  diffs [--feature F] [--limit N]  newest shadow diff records
  report <feature> [--fail-on-not-ready]
                                   old-vs-new report and its verdict

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
  'fail-on-not-ready': { type: 'boolean' },
  config: { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const

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
        return await validateCommand(positionals[0] ?? values.config ?? env.ROUTES_FILE ?? 'routes.yaml', out, err)
      case 'status':
        return await statusCommand(ctx())
      case 'flag':
        return await flagCommand(ctx(), { feature: positionals[0], state: positionals[1], canary: values.canary })
      case 'rollback':
        return await rollbackCommand(ctx(), positionals[0] ?? values.feature)
      case 'diffs':
        return await diffsCommand(ctx(), { feature: values.feature, limit: values.limit })
      case 'report':
        return await reportCommand(ctx(), positionals[0] ?? values.feature, values['fail-on-not-ready'] === true)
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
