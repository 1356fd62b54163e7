import t from 'tap'
import { readFile } from 'node:fs/promises'
import { LLM_ERROR_CODES, LlmError, LlmMalformedResponseError, LlmRateLimitError, parseRetryAfter } from '../../../new-services/llm/errors.js'

t.test('docs/new-services.md lists exactly the LLM error codes', async (t) => {
  const doc = await readFile(new URL('../../../docs/new-services.md', import.meta.url), 'utf8')
  const documented = [...doc.matchAll(/^\| `(NS_ERR_[A-Z_]+)` \|/gm)].map((m) => m[1]).sort()
  t.same(documented, [...LLM_ERROR_CODES].sort())
  t.same([new LlmError('x').code, new LlmRateLimitError('x').code, new LlmMalformedResponseError('x').code].sort(), [...LLM_ERROR_CODES].sort())
})

t.test('Retry-After: seconds, Google delays, HTTP dates, and a default', async (t) => {
  t.equal(parseRetryAfter('17'), 17)
  t.equal(parseRetryAfter('2.5s'), 3)
  t.equal(parseRetryAfter(undefined), 60)
  t.equal(parseRetryAfter('soon'), 60)
  const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString()
  t.ok(parseRetryAfter(inTwoMinutes) >= 110 && parseRetryAfter(inTwoMinutes) <= 120)
})
