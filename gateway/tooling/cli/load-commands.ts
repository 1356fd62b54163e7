/** `load`: load scenarios against a gateway in its own process (docs/testing-tools.md). Exit 1 when any request failed. */
import { formatLoadResults } from '../load/format-load.js'
import { startBackends } from '../load/load-stack.js'
import { DEFAULT_LOAD_CONNECTIONS, DEFAULT_LOAD_SECONDS, runLoadScenario, type LoadResult } from '../load/run-load.js'
import { LOAD_SCENARIOS, scenarioByName, type LoadScenario } from '../load/scenarios.js'
import { EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'
import { positiveNumber } from './perf-commands.js'

export interface LoadCommandOptions {
  scenario?: string
  duration?: string
  connections?: string
  rate?: string
}

function pickScenarios (name: string | undefined): LoadScenario[] {
  if (name === undefined || name === 'all') return [...LOAD_SCENARIOS]
  const scenario = scenarioByName(name)
  if (scenario === undefined) throw new UsageError(`unknown scenario "${name}": one of ${LOAD_SCENARIOS.map((s) => s.name).join(', ')}, all`)
  return [scenario]
}

export async function loadCommand (ctx: CommandContext, options: LoadCommandOptions): Promise<number> {
  const scenarios = pickScenarios(options.scenario)
  const durationSeconds = positiveNumber(options.duration, 'duration', DEFAULT_LOAD_SECONDS)
  const connections = positiveNumber(options.connections, 'connections', DEFAULT_LOAD_CONNECTIONS)
  const rate = options.rate === undefined ? undefined : positiveNumber(options.rate, 'rate', 0)
  const backends = await startBackends()
  const results: LoadResult[] = []
  try {
    for (const scenario of scenarios) {
      results.push(await runLoadScenario(backends, scenario, { durationSeconds, connections, rate, progress: ctx.err as NodeJS.WritableStream & { isTTY?: boolean } }))
    }
  } finally {
    await backends.close()
  }
  ctx.out.write(ctx.json ? `${JSON.stringify({ results })}\n` : formatLoadResults(results))
  return results.some((r) => r.errors > 0) ? EXIT_FAILURE : EXIT_OK
}
