/**
 * The `strangler-gateway` command. Exit codes scripts can rely on: 0 success, 1 the thing
 * checked is bad (invalid config, failed call), 2 usage error.
 */
import { parseArgs } from 'node:util'
import { validateCommand } from './validate.js'

const USAGE = `usage: strangler-gateway <command> [options]

commands:
  start [--config routes.yaml]     run the gateway (PORT, HOST, ROUTES_FILE also apply)
  validate [routes.yaml]           check a routes.yaml; print every problem as file:line:col
`

export async function main (argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'start': {
      const { values } = parseArgs({ args: rest, options: { config: { type: 'string' } } })
      const { startGateway } = await import('../server.js')
      await startGateway({ configFile: values.config ?? process.env.ROUTES_FILE ?? 'routes.yaml' })
      return -1 // keeps running
    }
    case 'validate': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true })
      return await validateCommand(positionals[0] ?? process.env.ROUTES_FILE ?? 'routes.yaml', process.stdout, process.stderr)
    }
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(USAGE)
      return command === undefined ? 2 : 0
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`)
      return 2
  }
}
