/**
 * What installing the gateway package brings: its production dependencies and theirs, resolved
 * the way npm resolves them (nested node_modules first, then each folder up), read from the
 * lockfile. None of the repository's development tools may be among them.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'

interface LockEntry { dependencies?: Record<string, string>, optionalDependencies?: Record<string, string>, peerDependencies?: Record<string, string>, peerDependenciesMeta?: Record<string, { optional?: boolean }>, link?: boolean, resolved?: string }
const root = new URL('../../', import.meta.url)
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as { packages: Record<string, LockEntry> }

/** The lockfile key a `name` required from the package at `from` resolves to. */
function resolve (name: string, from: string): string {
  for (let dir = from; ; dir = path.posix.dirname(dir)) {
    const base = dir === '.' || dir === '' ? '' : `${dir}/`
    const key = `${base}node_modules/${name}`
    if (lock.packages[key] !== undefined) return key
    if (dir === '.' || dir === '') throw new Error(`${name} (required by ${from || 'the root'}) is not in the lockfile`)
  }
}

function productionClosure (start: string): Map<string, string> {
  const seen = new Map<string, string>()
  const visit = (key: string): void => {
    const entry = lock.packages[key]
    const real = entry.link === true && entry.resolved !== undefined ? entry.resolved : key
    if (seen.has(real)) return
    seen.set(real, key)
    const realEntry = lock.packages[real]
    const required = { ...realEntry.dependencies, ...realEntry.optionalDependencies }
    for (const [peer] of Object.entries(realEntry.peerDependencies ?? {})) {
      if (realEntry.peerDependenciesMeta?.[peer]?.optional !== true) required[peer] = '*'
    }
    for (const name of Object.keys(required)) {
      let target: string
      try {
        target = resolve(name, real)
      } catch (err) {
        if (realEntry.optionalDependencies?.[name] !== undefined) continue
        throw err
      }
      visit(target)
    }
  }
  visit(start)
  return seen
}

const nameOf = (key: string): string => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)

t.test("the gateway's production dependencies bring no load generator, browser driver, LLM client or stand-in", async (t) => {
  const closure = [...productionClosure('gateway').values()].map(nameOf)
  t.ok(closure.includes('fastify') && closure.includes('undici') && closure.includes('@strangler-gateway/flask-session'), 'the closure was walked')
  for (const tool of ['@google/genai', 'autocannon', 'playwright-core', '@strangler-gateway/legacy-stand-in', '@strangler-gateway/new-services', 'tsx', 'tap']) {
    t.notOk(closure.includes(tool), `${tool} is not installed with the gateway`)
  }
})

t.test('the walk would see a development tool a production dependency pulled in', async (t) => {
  // The new services depend on @google/genai: walking from them finds it.
  const closure = [...productionClosure('new-services').values()].map(nameOf)
  t.ok(closure.includes('@google/genai'))
})
