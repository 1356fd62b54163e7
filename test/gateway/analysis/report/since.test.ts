import t from 'tap'
import { createMemoryRecorder } from '../../../../gateway/analysis/report/memory-recorder.js'
import { countsSince, readBaseline, windowMinutesSince } from '../../../../gateway/analysis/report/since.js'
import { summariseWindow } from '../../../../gateway/analysis/report/summarise-window.js'

const MINUTE = 60_000
const START = 30_000_000 * MINUTE

t.test('counts only what was recorded after the moment, inside its minute and after it', async (t) => {
  const recorder = createMemoryRecorder(10)
  t.teardown(() => recorder.close())
  const ok = { latencyMs: 10, status: 200 }
  recorder.recordLive('chat', 'new', { latencyMs: 10, status: 500 }, START - MINUTE)
  for (let i = 0; i < 3; i++) recorder.recordLive('chat', 'new', { latencyMs: 10, status: 500 }, START + 1_000)
  const at = START + 2_000
  const since = { at, baseline: await readBaseline(recorder, 'chat', at) }
  t.equal(since.baseline['live:new:err'], 3, 'the baseline holds the minute so far')
  recorder.recordLive('chat', 'new', ok, START + 30_000)
  recorder.recordLive('chat', 'new', ok, START + MINUTE + 5_000)

  const now = START + MINUTE + 10_000
  const windowMinutes = windowMinutesSince(since, recorder.retentionMinutes, now)
  t.equal(windowMinutes, 2)
  const figures = summariseWindow(countsSince(await recorder.read('chat', windowMinutes, now), since))
  t.equal(figures.live.new.requests, 2, 'two requests after the moment')
  t.equal(figures.live.new.errors, 0, 'the errors before it are not counted')
  t.equal(summariseWindow(await recorder.read('chat', windowMinutes, now)).live.new.errors, 3, 'without since they are')
  t.equal(windowMinutesSince({ at: START - 90 * MINUTE, baseline: {} }, 10, now), 10, 'capped at the retention')
})
