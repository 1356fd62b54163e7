/** /api/clear_history and /api/conversation_history across the three modes. */
import type { ContractCheck } from '../contract-suite.js'
import { expectAppError, expectJson } from './assertions.js'
import { startedChat } from './chat-checks.js'

const CLEARED = { message: '会話履歴がクリアされました', status: 'success' }

export const historyChecks: ContractCheck[] = [
  {
    name: 'history: clear_history without a JSON body is 400 Invalid JSON',
    async run (t, { client }) {
      const response = await client().send('POST', '/api/clear_history', { csrf: true })
      expectJson(t, response, 400, 'clear_history without body')
      t.same(response.json, { status: 'error', message: 'Invalid JSON' })
    }
  },
  {
    name: 'history: clear_history mode chat drops chat_settings and the history',
    async run (t, context) {
      const browser = await startedChat(context)
      const response = await browser.postWithCsrf('/api/clear_history', { mode: 'chat' })
      expectJson(t, response, 200, 'clear_history chat')
      t.same(response.json, CLEARED)
      const stored = await context.session(browser)
      t.notOk('chat_settings' in (stored ?? {}), 'chat_settings dropped')
      t.same(stored?.chat_history ?? [], [], 'chat_history empty')
      expectAppError(t, await browser.postWithCsrf('/api/chat', { message: 'まだいますか' }), 400, 'VALIDATION_ERROR', 'chat after clearing')
    }
  },
  {
    name: 'history: conversation_history type chat returns the stored entries',
    async run (t, context) {
      const browser = await startedChat(context)
      await browser.postWithCsrf('/api/chat', { message: 'よろしくお願いします' })
      const response = await browser.post('/api/conversation_history', { type: 'chat' })
      expectJson(t, response, 200, 'conversation_history chat')
      t.same(response.json, { history: (await context.session(browser))?.chat_history })
      t.same((await context.client().post('/api/conversation_history', { type: 'chat' })).json, { history: [] }, 'empty for a new session')
    }
  },
  {
    name: 'history: conversation_history validation',
    async run (t, { client }) {
      const browser = client()
      expectAppError(t, await browser.post('/api/conversation_history', { type: 'bogus' }), 400, 'VALIDATION_ERROR', 'unknown type')
      const noId = await browser.post('/api/conversation_history', { type: 'scenario' })
      t.equal(noId.status, 400, 'scenario without scenario_id is 400')
    }
  }
]
