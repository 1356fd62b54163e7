/**
 * The import rules of .dependency-cruiser.cjs, as a test: no circles (type-only imports
 * included), the gateway's planes import downwards only, no package reaches into another's files,
 * and the product never loads the repository's development tools. `npm run lint` runs the same
 * rules from the command line.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser'
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config'
import t from 'tap'

const root = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
const config = require(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: unknown[], options: Record<string, unknown> }

async function violationsOf (paths: string[]): Promise<IViolation[]> {
  const cwd = process.cwd()
  process.chdir(root)
  try {
    const { options } = config
    const result = await cruise(paths, {
      ...options,
      validate: true,
      ruleSet: { forbidden: config.forbidden }
    } as never, { conditionNames: (options.enhancedResolveOptions as { conditionNames: string[] }).conditionNames, exportsFields: ['exports'] } as never,
    { tsConfig: extractTSConfig(path.join(root, 'tsconfig.json')) })
    const output = (typeof result.output === 'string' ? JSON.parse(result.output) : result.output) as ICruiseResult
    return output.summary.violations
  } finally {
    process.chdir(cwd)
  }
}

const describe = (v: IViolation): string => `${v.rule.name}: ${v.from} -> ${v.to}${v.cycle === undefined ? '' : ` (${v.cycle.map((c) => c.name).join(' -> ')})`}`

t.test('the packages have no import circle, no upward plane import, no reach into another package, no dev tool in the product', async (t) => {
  const violations = await violationsOf(['gateway', 'legacy-adapter', 'new-services', 'bench'])
  t.same(violations.map(describe), [], 'no violation')
})

t.test('the check sees a circle made only of type imports', async (t) => {
  const violations = await violationsOf(['test/architecture/fixtures/circle'])
  t.ok(violations.some((v) => v.rule.name === 'no-circular'), violations.map(describe).join('\n') || 'nothing reported')
})
