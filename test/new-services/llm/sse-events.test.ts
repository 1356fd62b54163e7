import t from 'tap'
import { sseDataEvents } from '../../../new-services/llm/sse-events.js'
import { collect } from '../helpers/fake-http-server.js'

async function * pieces (...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part)
}

t.test('events split across chunks, CRLF, comments and multi-line data', async (t) => {
  const events = await collect(sseDataEvents(pieces('data: {"a"', ':1}\r\n\r\n: comment\n\nevent: x\ndata: line1\ndata: line2\n\n', 'data:tail')))
  t.same(events, ['{"a":1}', 'line1\nline2', 'tail'])
})

t.test('multi-byte characters split between chunks survive', async (t) => {
  const bytes = new TextEncoder().encode('data: こんにちは\n\n')
  async function * split (): AsyncGenerator<Uint8Array> { yield bytes.subarray(0, 8); yield bytes.subarray(8) }
  t.same(await collect(sseDataEvents(split())), ['こんにちは'])
})
