// Loaded with `--import` into a spawned process: every ES module the process resolves is
// appended, one URL a line, to the file RECORD_MODULES_FILE names. Tests read it to show what a
// configuration loads (and what it does not).
import { register } from 'node:module'

const hooks = `
import { appendFileSync } from 'node:fs'
export async function resolve (specifier, context, next) {
  const resolved = await next(specifier, context)
  appendFileSync(process.env.RECORD_MODULES_FILE, resolved.url + '\\n')
  return resolved
}
`
register(`data:text/javascript,${encodeURIComponent(hooks)}`)
