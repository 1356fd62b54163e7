import t from 'tap'
import { createMemoryRecorder } from '../../../../gateway/analysis/report/memory-recorder.js'

t.test('reads only the window, forgets minutes past the retention', async (t) => {
  const recorder = createMemoryRecorder(10)
  t.teardown(() => recorder.close())
  const minute = 60_000
  const start = 30_000_000 * minute
  recorder.recordLive('chat', 'old', { latencyMs: 10, status: 200 }, start)
  recorder.recordLive('chat', 'new', { latencyMs: 10, status: 503 }, start + 5 * minute)
  const all = await recorder.read('chat', 10, start + 5 * minute)
  t.same(all.map((m) => m.minute), [start / minute, start / minute + 5])
  t.equal(all[1].fields['live:new:err'], 1)
  t.same((await recorder.read('chat', 3, start + 5 * minute)).map((m) => m.minute), [start / minute + 5], 'a 3-minute window')
  recorder.recordLive('chat', 'old', { latencyMs: 10, status: 200 }, start + 20 * minute)
  t.same((await recorder.read('chat', 60, start + 20 * minute)).map((m) => m.minute), [start / minute + 20], 'old minutes pruned')
  t.same(await recorder.read('watch', 10, start), [], 'unknown feature: nothing')
})
