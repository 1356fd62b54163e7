/** /api/v2/chat: its own CSRF decorator, and the legacy app's always-failing stream. */
import type { ContractCheck } from '../contract-suite.js'
import { expectJson } from './assertions.js'

export const v2ChatChecks: ContractCheck[] = [
  {
    name: 'v2 chat: CSRF accepts only X-CSRF-Token',
    async run (t, { client }) {
      const browser = client()
      const token = await browser.csrfToken()
      const none = await browser.post('/api/v2/chat', { message: 'こんにちは' })
      expectJson(t, none, 403, 'no token')
      t.same(none.json, { error: 'CSRF token validation failed' })
      const otherHeader = await browser.post('/api/v2/chat', { message: 'こんにちは' }, { headers: { 'x-csrftoken': token } })
      t.equal(otherHeader.status, 403, 'X-CSRFToken is not enough')
    }
  },
  {
    name: 'v2 chat: legacy streams exactly one error event',
    async run (t, { client }) {
      const response = await client().postWithCsrf('/api/v2/chat', { message: 'こんにちは' })
      t.equal(response.status, 200)
      t.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8')
      t.equal(response.headers['cache-control'], 'no-cache')
      t.equal(response.text, 'data: {"error":"\\u30b9\\u30c8\\u30ea\\u30fc\\u30df\\u30f3\\u30b0\\u30a8\\u30e9\\u30fc\\u304c\\u767a\\u751f\\u3057\\u307e\\u3057\\u305f"}\n\n')
    }
  }
]
