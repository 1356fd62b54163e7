/**
 * Strength scores for the feedback endpoints. The legacy analyser adds random noise to a
 * base derived from the history length; here the noise comes from a hash of the history, so the
 * same conversation scores the same (same keys, types and 40-95 range).
 */
import { createHash } from 'node:crypto'

export const STRENGTH_AXES = {
  empathy: { name: '共感力', description: '相手の気持ちに寄り添う力' },
  clarity: { name: '明確な伝達力', description: '要点をわかりやすく伝える力' },
  active_listening: { name: '傾聴力', description: '相手の話を引き出し受け止める力' },
  adaptability: { name: '適応力', description: '状況に合わせて対応を変える力' },
  positivity: { name: '前向きさ', description: '前向きな雰囲気をつくる力' },
  professionalism: { name: 'プロフェッショナリズム', description: '場にふさわしい振る舞い' }
} as const

export type StrengthAxis = keyof typeof STRENGTH_AXES
export type Scores = Record<StrengthAxis, number>

export interface StrengthAnalysis {
  scores: Scores
  top_strengths: Array<{ key: StrengthAxis, name: string, description: string, score: number }>
}

const MIN_SCORE = 40
const MAX_SCORE = 95

export function analyzeStrengths (history: unknown[]): StrengthAnalysis {
  const digest = createHash('sha256').update(JSON.stringify(history)).digest()
  const base = Math.min(80, 55 + history.length * 2)
  const axes = Object.keys(STRENGTH_AXES) as StrengthAxis[]
  const scores = Object.fromEntries(axes.map((axis, i) => {
    const noise = (digest[i] % 21) - 10
    return [axis, Math.max(MIN_SCORE, Math.min(MAX_SCORE, base + noise))]
  })) as Scores
  const top = [...axes].sort((a, b) => scores[b] - scores[a]).slice(0, 3)
  return {
    scores,
    top_strengths: top.map((key) => ({ key, name: STRENGTH_AXES[key].name, description: STRENGTH_AXES[key].description, score: scores[key] }))
  }
}

/** XP per axis: a tenth of the score, at least 1. */
export function xpFromScores (scores: Scores): Scores {
  return Object.fromEntries(Object.entries(scores).map(([axis, score]) => [axis, Math.max(1, Math.round(score / 10))])) as Scores
}
