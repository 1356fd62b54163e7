import t from 'tap'
import { createMemoryRecorder } from '../../../../gateway/analysis/report/memory-recorder.js'
import { summariseWindow, type WindowFigures } from '../../../../gateway/analysis/report/summarise-window.js'
import { decideVerdict } from '../../../../gateway/analysis/report/verdict.js'
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from '../../../../gateway/core/config/verdict-thresholds.js'

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0)
const MIB = 1024 * 1024

interface PairSpec { n: number, oldMs: number, newMs: number, newFailEvery?: number, differentEvery?: number }

/** Shadow pairs recorded straight into a recorder, as the shadow runner would. */
async function shadowFigures ({ n, oldMs, newMs, newFailEvery, differentEvery }: PairSpec): Promise<WindowFigures> {
  const recorder = createMemoryRecorder()
  for (let i = 1; i <= n; i++) {
    const jitter = (i % 10) / 10
    recorder.recordShadowPair({
      feature: 'chat',
      legacy: { latencyMs: oldMs + jitter, status: 200 },
      candidate: { latencyMs: newMs + jitter, status: newFailEvery !== undefined && i % newFailEvery === 0 ? 500 : 200 },
      different: differentEvery !== undefined && i % differentEvery === 0
    }, NOW)
  }
  return summariseWindow(await recorder.read('chat', 15, NOW))
}

const codes = (r: ReturnType<typeof decideVerdict>): string[] => r.reasons.map((reason) => reason.code)
const memory = { old: 100 * MIB, new: 100 * MIB }

t.test('equal sides with enough pairs: ready', async (t) => {
  const verdict = decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50 }), memory })
  t.equal(verdict.status, 'ready')
  t.same(verdict.reasons, [])
})

t.test('each rule on its own gives not_ready with its reason', async (t) => {
  t.same(codes(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 100 }), memory })), ['latency_p95'])
  t.same(codes(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50, newFailEvery: 20 }), memory })), ['error_rate'])
  t.same(codes(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50, differentEvery: 10 }), memory })), ['diff_rate'])
  t.same(codes(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50 }), memory: { old: 100 * MIB, new: 130 * MIB } })), ['memory'])
})

t.test('every failing rule is listed', async (t) => {
  const figures = await shadowFigures({ n: 200, oldMs: 50, newMs: 100, newFailEvery: 10, differentEvery: 2 })
  t.same(codes(decideVerdict({ figures, memory: { old: MIB, new: 2 * MIB } })), ['latency_p95', 'error_rate', 'diff_rate', 'memory'])
})

t.test('boundaries: just inside each threshold is ready', async (t) => {
  t.equal(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 100, newMs: 103 }), memory }).status, 'ready', '1.03x p95')
  t.equal(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 1, newMs: 3 }), memory }).status, 'ready', '3x but within the ms tolerance')
  t.equal(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50 }), memory: { old: 100 * MIB, new: 119 * MIB } }).status, 'ready')
  t.equal(decideVerdict({ figures: await shadowFigures({ n: 200, oldMs: 50, newMs: 50, differentEvery: 25 }), memory }).status, 'ready', '4% diffs')
})

t.test('too few samples: insufficient_data, memory still reported', async (t) => {
  const verdict = decideVerdict({ figures: await shadowFigures({ n: 20, oldMs: 50, newMs: 500 }), memory: { old: MIB, new: 2 * MIB } })
  t.equal(verdict.status, 'insufficient_data')
  t.same(codes(verdict), ['insufficient_samples', 'memory'])
})

t.test('unknown memory is a note, not a reason; thresholds are configurable', async (t) => {
  const figures = await shadowFigures({ n: 60, oldMs: 50, newMs: 50 })
  const strict: VerdictThresholds = { ...DEFAULT_VERDICT_THRESHOLDS, minSamples: 50 }
  const verdict = decideVerdict({ figures, memory: { old: null, new: MIB } }, strict)
  t.equal(verdict.status, 'ready')
  t.match(verdict.notes.join(' '), /memory not compared/)
})

t.test('a shadow with no answer from new counts as its error', async (t) => {
  const recorder = createMemoryRecorder()
  recorder.recordShadowPair({ feature: 'chat', legacy: { latencyMs: 5, status: 200 }, candidate: { latencyMs: null, status: 0 }, different: false }, NOW)
  const figures = summariseWindow(await recorder.read('chat', 15, NOW))
  t.equal(figures.shadow.new.errors, 1)
  t.equal(figures.shadow.new.p95Ms, null)
  t.equal(figures.shadow.pairs, 1)
})
