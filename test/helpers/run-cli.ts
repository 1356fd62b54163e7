/** Runs the CLI's main() in this process with captured output, as a script would see it. */
import { PassThrough } from 'node:stream'
import { main } from '../../gateway/tooling/cli/main.js'

export interface CliRun { code: number, out: string, err: string }

export async function runCli (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const out = new PassThrough()
  const err = new PassThrough()
  let outText = ''
  let errText = ''
  out.on('data', (chunk: Buffer) => { outText += chunk.toString() })
  err.on('data', (chunk: Buffer) => { errText += chunk.toString() })
  const code = await main(args, { out, err, env })
  return { code, out: outText, err: errText }
}
