import { readFile } from 'node:fs/promises'
import t from 'tap'
import * as errors from '../../gateway/core/errors.js'

t.test('docs/errors.md lists exactly the codes gateway/errors.ts defines, with their status', async (t) => {
  const table = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
  const documented = new Map<string, string>()
  for (const match of table.matchAll(/^\| `(GW_ERR_[A-Z_]+)` \| ([^|]+) \|/gm)) documented.set(match[1], match[2].trim())

  const defined = new Map<string, number>()
  for (const value of Object.values(errors)) {
    if (typeof value !== 'function') continue
    const instance = new (value as new (...args: unknown[]) => { code?: string, statusCode?: number })('x', 1)
    if (instance.code?.startsWith('GW_ERR_') === true) defined.set(instance.code, instance.statusCode ?? 500)
  }
  t.ok(defined.size >= 10, `${defined.size} codes defined`)
  t.same([...documented.keys()].sort(), [...defined.keys()].sort(), 'same set of codes')
  for (const [code, status] of defined) {
    const doc = documented.get(code) ?? ''
    if (/^\d+$/.test(doc)) t.equal(Number(doc), status, `${code} documented with its status`)
    else t.equal(status, 500, `${code} is not an HTTP answer, documented as ${doc}`)
  }
})
