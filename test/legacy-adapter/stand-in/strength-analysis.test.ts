import t from 'tap'
import { STRENGTH_AXES, analyzeStrengths, randint, seededRandom, xpFromScores } from '../../../legacy-adapter/stand-in/strength-analysis.js'

t.test('randint includes both ends', async (t) => {
  t.equal(randint(() => 0, -10, 10), -10)
  t.equal(randint(() => 0.999999, -10, 10), 10)
})

t.test('scores are ints in 40-95, top three sorted, repeatable with a seed', async (t) => {
  for (const exchanges of [0, 1, 5, 100]) {
    const analysis = analyzeStrengths(exchanges, seededRandom(exchanges))
    for (const axis of STRENGTH_AXES) {
      const score = analysis.scores[axis]
      t.ok(Number.isInteger(score) && score >= 40 && score <= 95, `${exchanges} exchanges: ${axis}=${score}`)
    }
    const tops = analysis.top_strengths.map((s) => s.score)
    t.same(tops, [...tops].sort((a, b) => b - a))
    t.same(analyzeStrengths(exchanges, seededRandom(exchanges)), analysis, 'same seed, same analysis')
  }
  t.same(Object.keys(xpFromScores(analyzeStrengths(3, seededRandom(1)).scores)), [...STRENGTH_AXES])
})
