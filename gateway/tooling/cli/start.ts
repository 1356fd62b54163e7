/**
 * `strangler-gateway start`: one process, or with --workers a Node cluster of them sharing the
 * listening port. Returns -1 while the gateway runs (the bin keeps the process alive).
 */
import { EXIT_USAGE, UsageError } from './cli-context.js'

export interface StartCommandOptions {
  configFile: string
  workers: string | undefined
  log: NodeJS.WritableStream
}

export async function startCommand ({ configFile, workers, log }: StartCommandOptions): Promise<number> {
  if (workers !== undefined) {
    const { runCluster, parseWorkers } = await import('../../runtime/cluster.js')
    const count = parseWorkers(workers)
    if (count === undefined) throw new UsageError('--workers must be a whole number from 1, or auto')
    const result = await runCluster({ workers: count, configFile, env: process.env, log })
    if (!result.ok) {
      log.write(`${result.reason}\n`)
      return EXIT_USAGE
    }
    return -1
  }
  const { startGateway } = await import('../../runtime/server.js')
  await startGateway({ configFile })
  return -1
}
