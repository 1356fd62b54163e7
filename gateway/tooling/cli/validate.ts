/**
 * `strangler-gateway validate [routes.yaml]`: every problem, one per line; exit 1 when any.
 * Besides what the loader refuses, it reports rollout plans that load but could not run (steps
 * out of order, a shadow step without a shadow sample): the gateway accepts those and refuses
 * the rollout at its start, so this is the place to hear of them first.
 */
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { loadRoutesFile, RoutesConfigError } from '../../core/config/load-config.js'
import { planProblems } from '../../control-plane/rollout/plan.js'

function rolloutProblems (file: string, config: GatewayConfig): string[] {
  const problems: string[] = []
  for (const [name, feature] of Object.entries(config.features)) {
    if (feature.rollout === undefined) continue
    for (const problem of planProblems(feature.rollout, feature)) problems.push(`${file} features.${name}.rollout: ${problem}`)
  }
  return problems
}

function report (file: string, problems: readonly string[], err: NodeJS.WritableStream): number {
  for (const line of problems) err.write(`${line}\n`)
  err.write(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${file}\n`)
  return 1
}

export async function validateCommand (file: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  try {
    const config = await loadRoutesFile(file)
    const problems = rolloutProblems(file, config)
    if (problems.length > 0) return report(file, problems, err)
    out.write(`${file}: ok (${config.routes.length} routes, ${Object.keys(config.features).length} features)\n`)
    return 0
  } catch (error) {
    if (error instanceof RoutesConfigError) return report(file, error.problems, err)
    err.write(`${(error as Error).message}\n`)
    return 1
  }
}
