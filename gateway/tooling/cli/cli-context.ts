/** What every CLI command gets: output streams, the admin client, and --json. */
import type { AdminClient, AdminResponse } from './admin-client.js'
import { describeFailure } from './admin-client.js'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_UNREACHABLE = 3

export interface CliIo {
  out: NodeJS.WritableStream
  err: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
}

export interface CommandContext extends CliIo {
  client: AdminClient
  json: boolean
}

export class UsageError extends Error {}

/** Writes the failure and returns false when the gateway answered with an error. */
export function answered (ctx: CommandContext, response: AdminResponse): boolean {
  if (response.status < 400) return true
  if (ctx.json) ctx.out.write(`${JSON.stringify(response.body)}\n`)
  ctx.err.write(`error: ${describeFailure(response)}\n`)
  return false
}

export function printWarnings (ctx: CommandContext, warnings: unknown): void {
  if (!Array.isArray(warnings)) return
  for (const warning of warnings) ctx.err.write(`warning: ${String(warning)}\n`)
}
