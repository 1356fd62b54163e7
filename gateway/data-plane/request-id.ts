/**
 * Request ids: the caller's X-Request-Id when it is a sane token (so one id follows a request
 * across proxies), else a cheap process-unique one. Never a raw header that could forge log lines.
 */
import type { IncomingMessage } from 'node:http'
import { randomBytes } from 'node:crypto'

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/

export function createRequestIdGenerator (): (req: IncomingMessage) => string {
  const prefix = randomBytes(4).toString('hex')
  let counter = 0
  return (req) => {
    const given = req.headers['x-request-id']
    if (typeof given === 'string' && SAFE_ID.test(given)) return given
    counter = (counter + 1) % Number.MAX_SAFE_INTEGER
    return `${prefix}-${counter.toString(36)}`
  }
}
