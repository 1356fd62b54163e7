/** `strangler-gateway validate [routes.yaml]`: every problem, one per line; exit 1 when any. */
import { loadRoutesFile, RoutesConfigError } from '../config/load-config.js'

export async function validateCommand (file: string, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  try {
    const config = await loadRoutesFile(file)
    out.write(`${file}: ok (${config.routes.length} routes, ${Object.keys(config.features).length} features)\n`)
    return 0
  } catch (error) {
    if (error instanceof RoutesConfigError) {
      for (const line of error.problems) err.write(`${line}\n`)
      err.write(`${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} in ${file}\n`)
    } else {
      err.write(`${(error as Error).message}\n`)
    }
    return 1
  }
}
