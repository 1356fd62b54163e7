/**
 * RFC 9112 section 3.2.2: a server accepts a request target in absolute form
 * (`GET http://host/path HTTP/1.1`, what a client configured to use a proxy sends), and the
 * target's authority replaces Host. The gateway rewrites such a target to its origin form before
 * routing, so the route, the flag, the canary and the upstream's path are the same either way.
 * The path is taken as sent, not normalised: only the scheme and the authority go.
 */
import type { IncomingMessage } from 'node:http'

const ABSOLUTE = /^https?:\/\/([^/?#]*)/i

/** Fastify's rewriteUrl: the origin form of `req.url`, with Host set from an absolute target. */
export function originForm (req: IncomingMessage): string {
  const url = req.url ?? '/'
  // Almost every request: origin form already, nothing to do.
  if (url.charCodeAt(0) === 47) return url
  const match = ABSOLUTE.exec(url)
  if (match === null) return url
  const authority = match[1].slice(match[1].lastIndexOf('@') + 1)
  if (authority !== '') req.headers.host = authority
  const rest = url.slice(match[0].length)
  return rest === '' || rest.charCodeAt(0) !== 47 ? `/${rest}` : rest
}
