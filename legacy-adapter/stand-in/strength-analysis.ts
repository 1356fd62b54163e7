/**
 * Legacy's "strength analysis" involves no model: six scores from a base that grows with the
 * number of exchanges plus `random.randint(-10, 10)`, clamped to 40-95. The random source is
 * injectable so tests can pin it; gamification XP is derived from the scores.
 */

export const STRENGTH_AXES = ['empathy', 'clarity', 'active_listening', 'adaptability', 'positivity', 'professionalism'] as const
export type StrengthAxis = typeof STRENGTH_AXES[number]

const AXIS_TEXT: Record<StrengthAxis, { name: string, description: string }> = {
  empathy: { name: '共感力', description: '相手の気持ちを理解し、寄り添う力' },
  clarity: { name: '明確な伝達', description: '要点を分かりやすく伝える力' },
  active_listening: { name: '傾聴力', description: '相手の話を深く聞き、理解する力' },
  adaptability: { name: '適応力', description: '状況に応じて柔軟に対応する力' },
  positivity: { name: '前向きさ', description: '前向きな姿勢で対話を進める力' },
  professionalism: { name: 'プロフェッショナリズム', description: '職場にふさわしい態度と言葉遣い' }
}

export type RandomSource = () => number

export interface StrengthAnalysis {
  scores: Record<StrengthAxis, number>
  top_strengths: Array<{ key: StrengthAxis, name: string, description: string, score: number }>
}

/** Python's random.randint(low, high), both ends included. */
export const randint = (random: RandomSource, low: number, high: number): number =>
  low + Math.floor(random() * (high - low + 1))

export function analyzeStrengths (exchangeCount: number, random: RandomSource): StrengthAnalysis {
  const base = 50 + Math.min(exchangeCount * 3, 30)
  const scores = Object.fromEntries(STRENGTH_AXES.map((axis) =>
    [axis, Math.max(40, Math.min(95, base + randint(random, -10, 10)))])) as Record<StrengthAxis, number>
  // Stable sort: equal scores keep axis order.
  const top = [...STRENGTH_AXES].sort((a, b) => scores[b] - scores[a]).slice(0, 3)
  return {
    scores,
    top_strengths: top.map((key) => ({ key, ...AXIS_TEXT[key], score: scores[key] }))
  }
}

/** XP per axis: a tenth of the score, as whole points. */
export function xpFromScores (scores: Record<StrengthAxis, number>): Record<StrengthAxis, number> {
  return Object.fromEntries(STRENGTH_AXES.map((axis) => [axis, Math.floor(scores[axis] / 10)])) as Record<StrengthAxis, number>
}

/** A small deterministic generator (mulberry32) for seeded runs. */
export function seededRandom (seed: number): RandomSource {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
