import { Readable } from 'node:stream'
import t from 'tap'
import { CappedCopy, teeForCapture } from '../../../../gateway/data-plane/shadow/capture.js'

/** A source that hands out the given chunks one per read, then ends (or fails). */
function source (chunks: string[], failWith?: Error): Readable {
  const queue = chunks.map((c) => Buffer.from(c))
  return new Readable({
    read () {
      const next = queue.shift()
      if (next !== undefined) this.push(next)
      else if (failWith !== undefined) this.destroy(failWith)
      else this.push(null)
    }
  })
}

async function readAll (stream: Readable): Promise<string> {
  let text = ''
  for await (const chunk of stream) text += String(chunk)
  return text
}

t.test('CappedCopy keeps the whole body under the cap', async (t) => {
  const copy = new CappedCopy(10)
  copy.add(Buffer.from('ab'))
  copy.add(Buffer.from('cd'))
  t.same(copy.result(false), { body: Buffer.from('abcd'), truncated: false, failed: false })
})

t.test('CappedCopy cuts at the cap and says so', async (t) => {
  const copy = new CappedCopy(5)
  for (const chunk of ['abc', 'def', 'ghi']) copy.add(Buffer.from(chunk))
  t.same(copy.result(false), { body: Buffer.from('abcde'), truncated: true, failed: false })
})

t.test('CappedCopy with a cap of 0 keeps nothing and says it was cut', async (t) => {
  const copy = new CappedCopy(0)
  copy.add(Buffer.from('abc'))
  t.same(copy.result(true), { body: Buffer.alloc(0), truncated: true, failed: true })
})

t.test('teeForCapture gives the client every byte and keeps a capped copy', async (t) => {
  const { client, captured } = teeForCapture(source(['hello ', 'world', '!']), 8)
  t.equal(await readAll(client), 'hello world!')
  t.same(await captured, { body: Buffer.from('hello wo'), truncated: true, failed: false })
})

t.test('teeForCapture reads the upstream to its end after the client has gone', async (t) => {
  const chunks = Array.from({ length: 64 }, (_, i) => `chunk${i};`.padEnd(4096, '.'))
  const upstream = source(chunks)
  const { client, captured } = teeForCapture(upstream, 1 << 20)
  // Nobody reads the client stream, so the upstream stops on its backpressure; then the client leaves.
  while (!upstream.isPaused()) await new Promise((resolve) => setImmediate(resolve))
  client.destroy()
  const copy = await captured
  t.equal(copy.failed, false)
  t.equal(copy.body.toString(), chunks.join(''), 'the copy is whole although the client left mid-body')
})

t.test('teeForCapture passes an upstream failure to the client and marks the copy failed', async (t) => {
  const { client, captured } = teeForCapture(source(['abc'], new Error('upstream reset')), 100)
  await t.rejects(readAll(client), /upstream reset/)
  t.equal((await captured).failed, true)
})

t.test('teeForCapture honours the client\'s backpressure', async (t) => {
  const chunks = Array.from({ length: 200 }, () => 'x'.repeat(1024))
  const upstream = source(chunks)
  const { client, captured } = teeForCapture(upstream, 1 << 20)
  // Nobody reads the client stream: the upstream must stop once the client's buffer is full.
  await new Promise((resolve) => setTimeout(resolve, 50))
  t.ok(upstream.isPaused(), 'upstream paused while the client buffer is full')
  t.ok(client.readableLength < 200 * 1024, 'the client stream did not buffer the whole body')
  t.equal((await Promise.all([readAll(client), captured]))[0].length, 200 * 1024)
})
