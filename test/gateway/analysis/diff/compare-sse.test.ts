import t from 'tap'
import { compareSse, eventCountClass, isTerminalEvent } from '../../../../gateway/analysis/diff/compare-sse.js'
import { parseSse } from '../../../../gateway/analysis/diff/parse-sse.js'
import { sse } from './helpers.js'

const stream = (...chunks: string[]): ReturnType<typeof parseSse> =>
  parseSse(sse(...chunks.map((c) => `data: ${JSON.stringify({ content: c })}`), `data: ${JSON.stringify({ done: true, full_content: chunks.join('') })}`))

t.test('count classes', async (t) => {
  t.same([0, 1, 2, 5, 6, 40].map(eventCountClass), ['0', '1', '2-5', '2-5', '6+', '6+'])
})

t.test('terminal events: done:true data or an event named done/end', async (t) => {
  t.equal(isTerminalEvent({ event: 'message', data: '', json: { done: true } }), true)
  t.equal(isTerminalEvent({ event: 'end', data: 'x' }), true)
  t.equal(isTerminalEvent({ event: 'message', data: '', json: { done: false } }), false)
})

t.test('different text and chunking in the same class is equal', async (t) => {
  t.same(compareSse(stream('Hel', 'lo'), stream('Hi', ' there', '!')), [])
})

t.test('count class, names, data shapes and terminal presence are each reported', async (t) => {
  t.same(compareSse(stream('a'), stream('a', 'b', 'c', 'd', 'e', 'f')),
    [{ kind: 'sse', path: 'sse.count', legacy: '2-5', candidate: '6+' }])
  const named = parseSse(sse('event: token\ndata: {"content":"a"}', 'data: {"done":true,"full_content":"a"}'))
  t.match(compareSse(stream('a'), named), [{ kind: 'sse', path: 'sse.events', legacy: ['message'], candidate: ['token', 'message'] }])
  const errorChunk = parseSse(sse('data: {"error":"quota"}', 'data: {"done":true,"full_content":""}'))
  t.same(compareSse(stream('a'), errorChunk), [
    { kind: 'sse', path: 'sse.data', legacy: { content: 'string' } },
    { kind: 'sse', path: 'sse.data', candidate: { error: 'string' } }
  ])
  const unterminated = parseSse(sse('data: {"content":"a"}', 'data: {"content":"b"}'))
  t.same(compareSse(stream('a'), unterminated), [{ kind: 'sse', path: 'sse.terminal', legacy: true, candidate: false }])
})

t.test('the terminal event is compared by shape', async (t) => {
  const noFull = parseSse(sse('data: {"content":"a"}', 'data: {"done":true}'))
  t.same(compareSse(stream('a'), noFull), [{ kind: 'missing', path: 'sse.terminal.full_content', legacy: 'string' }])
})
