/**
 * The CLI's side of the admin API: JSON over HTTP with the bearer token. A gateway that cannot
 * be reached is its own error (exit code 3), distinct from one that answers with an error.
 */
import { request } from 'undici'

export const DEFAULT_GATEWAY_URL = 'http://127.0.0.1:8080'
const REQUEST_TIMEOUT_MS = 10_000

export class GatewayUnreachableError extends Error {
  constructor (readonly url: string, cause: unknown) {
    super(`cannot reach the gateway at ${url}: ${(cause as { code?: string }).code ?? (cause as Error).message}`, { cause })
  }
}

export interface AdminResponse {
  status: number
  body: any
}

export interface AdminClient {
  url: string
  /** `timeoutMs` for a call that runs long on the gateway (the handoff check); default 10 s. */
  call (method: 'GET' | 'PUT' | 'POST' | 'DELETE', path: string, body?: unknown, options?: { timeoutMs?: number }): Promise<AdminResponse>
}

export function createAdminClient ({ url, token }: { url: string, token: string | undefined }): AdminClient {
  const base = url.replace(/\/+$/, '')
  return {
    url: base,
    async call (method, path, body, options) {
      const timeoutMs = options?.timeoutMs ?? REQUEST_TIMEOUT_MS
      const headers: Record<string, string> = { accept: 'application/json' }
      if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`
      if (body !== undefined) headers['content-type'] = 'application/json'
      let response
      try {
        response = await request(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs
        })
      } catch (err) {
        throw new GatewayUnreachableError(base, err)
      }
      const text = await response.body.text()
      let parsed: unknown = text
      try {
        parsed = text === '' ? null : JSON.parse(text)
      } catch {
        // Not JSON (a proxy in between, say): keep the text for the error message.
      }
      return { status: response.statusCode, body: parsed }
    }
  }
}

/** "401 GW_ERR_ADMIN_UNAUTHORIZED: admin API needs ..." */
export function describeFailure (response: AdminResponse): string {
  const body = response.body as { code?: string, message?: string } | string | null
  if (body !== null && typeof body === 'object') return `${response.status} ${body.code ?? ''}: ${body.message ?? JSON.stringify(body)}`.replace(' :', ':')
  return `${response.status}: ${String(body ?? '').slice(0, 200)}`
}
