/** The legacy CSRF middleware: which POSTs it guards, the two headers, the two failure codes. */
import type { ContractCheck } from '../contract-suite.js'
import { expectJson } from './assertions.js'

/** The served paths of legacy's fixed list (core/middleware.py). */
export const CSRF_GUARDED_PATHS = [
  '/api/start_chat', '/api/chat', '/api/chat_feedback', '/api/clear_history',
  '/api/scenario_chat', '/api/scenario_feedback', '/api/watch/start', '/api/watch/next'
]

export const csrfChecks: ContractCheck[] = [
  {
    name: 'csrf: guarded POSTs without a token are 403 CSRF_TOKEN_MISSING',
    async run (t, { client }) {
      const browser = client()
      await browser.csrfToken()
      for (const path of CSRF_GUARDED_PATHS) {
        const response = await browser.post(path, { message: 'x', scenario_id: 'scenario1', mode: 'chat' })
        expectJson(t, response, 403, path)
        t.same(response.json, { code: 'CSRF_TOKEN_MISSING', error: 'CSRF token validation failed' }, `${path} body`)
      }
    }
  },
  {
    name: 'csrf: a wrong token is 403 CSRF_TOKEN_INVALID',
    async run (t, { client }) {
      const withToken = client()
      await withToken.csrfToken()
      const wrong = await withToken.post('/api/start_chat', { partner_type: 'boss' }, { headers: { 'x-csrf-token': '0'.repeat(32) } })
      expectJson(t, wrong, 403, 'wrong token')
      t.same(wrong.json, { code: 'CSRF_TOKEN_INVALID', error: 'CSRF token validation failed' })

      const withoutSessionToken = client()
      const noSessionToken = await withoutSessionToken.post('/api/start_chat', { partner_type: 'boss' }, { headers: { 'x-csrf-token': '0'.repeat(32) } })
      t.same(noSessionToken.json, { code: 'CSRF_TOKEN_INVALID', error: 'CSRF token validation failed' }, 'a session without a token rejects any token')
    }
  },
  {
    name: 'csrf: X-CSRFToken is accepted as well as X-CSRF-Token',
    async run (t, { client }) {
      const browser = client()
      const token = await browser.csrfToken()
      const response = await browser.post('/api/start_chat', { partner_type: 'boss' }, { headers: { 'x-csrftoken': token } })
      expectJson(t, response, 200, 'start_chat with X-CSRFToken')
    }
  },
  {
    name: 'csrf: unguarded POSTs need no token',
    async run (t, { client, scenarios }) {
      const browser = client()
      expectJson(t, await browser.post('/api/conversation_history', { type: 'chat' }), 200, 'conversation_history')
      expectJson(t, await browser.post('/api/scenario_clear', { scenario_id: scenarios.regular.id }), 200, 'scenario_clear')
      expectJson(t, await browser.post('/api/get_assist', { scenario_id: scenarios.regular.id, current_context: '' }), 200, 'get_assist')
    }
  }
]
