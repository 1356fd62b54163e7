/** `pin issue <feature> new|legacy [--ttl 1h]`: a tester pin, printed alone on stdout (with --json, an object). */
import { answered, EXIT_FAILURE, EXIT_OK, UsageError, type CommandContext } from './cli-context.js'

export interface PinArgs { action: string | undefined, feature: string | undefined, side: string | undefined, ttl: string | undefined }

export async function pinCommand (ctx: CommandContext, { action, feature, side, ttl }: PinArgs): Promise<number> {
  const usage = 'usage: pin issue <feature> new|legacy [--ttl 1h]'
  if (action !== 'issue' || feature === undefined || (side !== 'new' && side !== 'legacy')) throw new UsageError(usage)
  const res = await ctx.client.call('POST', '/admin/pins', { feature, side, ...(ttl === undefined ? {} : { ttl }) })
  if (!answered(ctx, res)) return EXIT_FAILURE
  const body = res.body as { token: string, feature: string, side: string, expiresAt: string }
  if (ctx.json) ctx.out.write(`${JSON.stringify({ token: body.token, feature: body.feature, side: body.side, expiresAt: body.expiresAt })}\n`)
  else {
    ctx.out.write(`${body.token}\n`)
    ctx.err.write(`pin for ${body.feature} -> ${body.side}, until ${body.expiresAt}: send it as the x-gateway-pin header or the sg_pin cookie\n`)
  }
  return EXIT_OK
}
