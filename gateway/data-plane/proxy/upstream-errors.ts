/**
 * The one place undici's errors become gateway errors (STYLE point 4). The original error is
 * kept as `cause`.
 */
import {
  BodyTooLargeError,
  UpstreamFailedError,
  UpstreamProtocolError,
  UpstreamResetError,
  UpstreamTimeoutError,
  UpstreamUnreachableError
} from '../../core/errors.js'
import type { Upstream } from './upstream-pool.js'

export type GatewayUpstreamError =
  | InstanceType<typeof UpstreamUnreachableError>
  | InstanceType<typeof UpstreamTimeoutError>
  | InstanceType<typeof UpstreamResetError>
  | InstanceType<typeof UpstreamProtocolError>
  | InstanceType<typeof UpstreamFailedError>
  | InstanceType<typeof BodyTooLargeError>

const CONNECT_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL'])

function codeOf (err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

export function translateUpstreamError (err: unknown, upstream: Upstream): GatewayUpstreamError {
  if (err instanceof BodyTooLargeError) return err
  const cause = (err as { cause?: unknown } | null)?.cause
  const code = codeOf(err) ?? codeOf(cause)
  const name = upstream.name
  const timeouts = upstream.config.timeouts
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return new UpstreamTimeoutError(name, timeouts.connectMs, { cause: err })
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new UpstreamTimeoutError(name, timeouts.headersMs, { cause: err })
    case 'UND_ERR_BODY_TIMEOUT':
      return new UpstreamTimeoutError(name, timeouts.bodyMs, { cause: err })
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_CLOSED':
      return new UpstreamResetError(name, { cause: err })
    default:
      if (code !== undefined && CONNECT_CODES.has(code)) return new UpstreamUnreachableError(name, { cause: err })
      // undici 7 leaves a parser error's code undefined (it looks the name up in a table that maps
      // names to numbers), so its class name is what tells a non-HTTP upstream apart.
      if (code?.startsWith('HPE_') === true || code === 'UND_ERR_INFO' || code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ||
        isParserError(err) || isParserError(cause)) {
        return new UpstreamProtocolError(name, { cause: err })
      }
      // Unreachable means a connection could not be made; anything else says what it was.
      return new UpstreamFailedError(name, (err as Error | null)?.message ?? String(err), { cause: err })
  }
}

function isParserError (err: unknown): boolean {
  return err instanceof Error && err.name === 'HTTPParserError'
}

/** The error's code for metrics and logs: GW_ERR_* for ours, the raw code otherwise. */
export function errorCode (err: unknown): string {
  return codeOf(err) ?? 'UNKNOWN'
}
