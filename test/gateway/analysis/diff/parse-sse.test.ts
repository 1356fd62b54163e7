import t from 'tap'
import { parseSse } from '../../../../gateway/analysis/diff/parse-sse.js'

t.test('data lines, names, JSON and text data', async (t) => {
  const events = parseSse('data: {"content":"Hel"}\n\nevent: ping\ndata: hi\n\ndata: {"done": true}\n\n')
  t.same(events, [
    { event: 'message', data: '{"content":"Hel"}', json: { content: 'Hel' } },
    { event: 'ping', data: 'hi' },
    { event: 'message', data: '{"done": true}', json: { done: true } }
  ])
})

t.test('multi-line data joins with newlines; comments and empty events are skipped', async (t) => {
  const events = parseSse(': keepalive\n\ndata: a\ndata: b\n\nevent: nothing\n\n')
  t.same(events.map((e) => e.data), ['a\nb'])
})

t.test('CRLF and CR line ends; an unterminated last event is discarded', async (t) => {
  t.same(parseSse('data: 1\r\n\r\ndata: 2\r\rdata: 3').map((e) => e.data), ['1', '2'])
})

t.test('no space after the colon keeps the value whole', async (t) => {
  t.same(parseSse('data:x\n\n')[0].data, 'x')
})
