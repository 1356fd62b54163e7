/**
 * A tiny HTTP client for the contract suite: one session cookie jar (like one browser), raw
 * response text kept next to the parsed JSON so wire-level habits can be asserted.
 */
import { request } from 'undici'

export interface ContractResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  /** The parsed body when it is JSON, else undefined. */
  json: any
  /** The raw Set-Cookie line for the session cookie, when the response set one. */
  sessionSetCookie?: string
}

export interface SendOptions {
  /** A value sent as application/json. */
  json?: unknown
  /** A raw body (with contentType). */
  body?: string
  contentType?: string
  headers?: Record<string, string>
  /** Attach the session's CSRF token as X-CSRF-Token (fetched once per session). */
  csrf?: boolean
}

export class ContractClient {
  /** The session cookie value, as the browser would send it back. */
  cookie: string | undefined
  #csrfToken: string | undefined

  constructor (readonly baseUrl: string, readonly cookieName = 'session') {}

  async send (method: string, path: string, options: SendOptions = {}): Promise<ContractResponse> {
    const headers: Record<string, string> = { ...options.headers }
    // Token first: fetching it may start the session whose cookie this request must carry.
    if (options.csrf === true) headers['x-csrf-token'] = await this.csrfToken()
    if (this.cookie !== undefined) headers.cookie = `${this.cookieName}=${this.cookie}`
    let body: string | undefined
    if (options.json !== undefined) {
      body = JSON.stringify(options.json)
      headers['content-type'] = 'application/json'
    } else if (options.body !== undefined) {
      body = options.body
      if (options.contentType !== undefined) headers['content-type'] = options.contentType
    }
    const response = await request(new URL(path, this.baseUrl), { method: method as 'GET', headers, body })
    const text = await response.body.text()
    const setCookie = [response.headers['set-cookie'] ?? []].flat()
      .find((line) => line.startsWith(`${this.cookieName}=`))
    if (setCookie !== undefined) {
      const value = setCookie.slice(this.cookieName.length + 1).split(';')[0]
      this.cookie = value === '' ? undefined : value
    }
    let json: unknown
    if (String(response.headers['content-type'] ?? '').startsWith('application/json')) {
      try { json = JSON.parse(text) } catch { json = undefined }
    }
    return { status: response.statusCode, headers: response.headers, text, json, sessionSetCookie: setCookie }
  }

  async get (path: string, options?: SendOptions): Promise<ContractResponse> {
    return await this.send('GET', path, options)
  }

  async post (path: string, json?: unknown, options: SendOptions = {}): Promise<ContractResponse> {
    return await this.send('POST', path, json === undefined ? options : { ...options, json })
  }

  /** POST with the CSRF header, as the legacy frontend sends every protected call. */
  async postWithCsrf (path: string, json?: unknown, options: SendOptions = {}): Promise<ContractResponse> {
    return await this.post(path, json, { ...options, csrf: true })
  }

  async csrfToken (): Promise<string> {
    if (this.#csrfToken === undefined) {
      const response = await this.get('/api/csrf-token')
      this.#csrfToken = response.json.csrf_token as string
    }
    return this.#csrfToken
  }
}
