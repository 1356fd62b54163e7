import t from 'tap'
import { createOfflineProvider, splitIntoChunks } from '../../../new-services/llm/offline-provider.js'
import { collect } from '../helpers/fake-http-server.js'

const request = { model: 'gemini/gemini-1.5-flash', temperature: 0.7, messages: [{ role: 'system' as const, content: 'あなたは同僚です' }, { role: 'user' as const, content: '週末は何をしましたか' }] }

t.test('the same prompt gives the same reply; another prompt another reply', async (t) => {
  const provider = createOfflineProvider()
  const a = await provider.complete(request)
  t.equal(await provider.complete(structuredClone(request)), a)
  t.not(await provider.complete({ ...request, messages: [{ role: 'user', content: '別の話題' }] }), a)
  t.match(a, /週末は何をしましたか/)
})

t.test('streams the same text in several chunks', async (t) => {
  const provider = createOfflineProvider({ chunks: 4 })
  const chunks = await collect(provider.stream(request))
  t.ok(chunks.length > 1)
  t.equal(chunks.join(''), await provider.complete(request))
})

t.test('a stream stops when its signal aborts', async (t) => {
  const provider = createOfflineProvider({ chunkDelayMs: 5 })
  const controller = new AbortController()
  const seen: string[] = []
  await t.rejects((async () => {
    for await (const piece of provider.stream({ ...request, signal: controller.signal })) {
      seen.push(piece)
      controller.abort()
    }
  })())
  t.equal(seen.length, 1)
})

t.test('splitIntoChunks keeps the text and never splits a surrogate pair', async (t) => {
  const text = '絵文字😀を含む文章です'
  const pieces = splitIntoChunks(text, 3)
  t.equal(pieces.join(''), text)
  t.ok(pieces.every((p) => !/[\ud800-\udbff]$/.test(p)))
})
