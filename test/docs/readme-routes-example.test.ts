/**
 * The README's routes.yaml examples go through the real loader, so the reference and the schema
 * stay in step (the reference once routed to a feature it never defined). A block with
 * `upstreams:` is a whole file; any other yaml block is a fragment, checked laid over the
 * whole one.
 */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { parseRoutesConfig, RoutesConfigError } from '../../gateway/core/config/load-config.js'

interface YamlBlock { line: number, text: string }

function yamlBlocks (markdown: string): YamlBlock[] {
  return [...markdown.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((match) => ({
    line: markdown.slice(0, match.index).split('\n').length + 1,
    text: match[1]
  }))
}

function overlay (base: unknown, over: unknown): unknown {
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return over
  if (typeof over !== 'object' || over === null || Array.isArray(over)) return over
  const out: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(over)) out[key] = overlay(out[key], value)
  return out
}

/** The loader's problem lines; none when the text is a valid routes.yaml. */
function problemsOf (text: string, file: string): string[] {
  try {
    parseRoutesConfig(text, file)
    return []
  } catch (err) {
    if (err instanceof RoutesConfigError) return err.problems
    throw err
  }
}

t.test('every routes.yaml example in the README is valid', async (t) => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8')
  const blocks = yamlBlocks(readme)
  const whole = blocks.filter((block) => /^upstreams:/m.test(block.text))
  t.equal(whole.length, 1, 'one complete routes.yaml reference')

  for (const block of whole) {
    // Padded to its place in the README, so a problem's line is the README's line.
    t.same(problemsOf('\n'.repeat(block.line - 1) + block.text, 'README.md'), [], `the reference at line ${block.line}`)
  }
  for (const block of blocks.filter((b) => !whole.includes(b))) {
    const merged = stringify(overlay(parse(whole[0].text), parse(block.text)))
    t.same(problemsOf(merged, `(README.md line ${block.line} laid over the reference)`), [], `the fragment at line ${block.line}`)
  }
})
