/** Waits until the gateway's shadow runner has nothing running or queued. */
import type { FastifyInstance } from 'fastify'

export async function shadowsSettled (app: FastifyInstance, extraMs = 20): Promise<void> {
  // A shadow can be accepted a moment after the user's response: give it that moment first.
  await new Promise((resolve) => setTimeout(resolve, extraMs))
  await app.gateway.shadow.idle()
}
