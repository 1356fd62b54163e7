import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import t from 'tap'
import { createFileSystemSessionStore } from '../../../legacy-adapter/session/filesystem-store.js'
import { readPickle } from '../../../legacy-adapter/session/pickle-reader.js'
import { writePickle } from '../../../legacy-adapter/session/pickle-writer.js'

const NOW_MS = 1_764_100_000_000
const NOW_S = NOW_MS / 1000

async function tempDir (t: { teardown: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sg-fs-store-'))
  t.teardown(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function entry (expiry: number, value: unknown): Buffer {
  const header = Buffer.alloc(4)
  header.writeUInt32LE(expiry)
  return Buffer.concat([header, writePickle(value, { protocol: 5 })])
}

t.test('writes the cachelib format: md5 name, native-order expiry, pickle 5, mode 0600, no temp files left', async (t) => {
  const dir = await tempDir(t)
  let now = NOW_MS
  const store = createFileSystemSessionStore({ dir, lifetimeSeconds: 60, now: () => now })
  await store.save('abc', { chat_history: [{ human: '雑談', ai: 'はい' }] })
  const file = path.join(dir, createHash('md5').update('session:abc').digest('hex'))
  t.equal(store.fileFor('abc'), file)
  const raw = await readFile(file)
  t.equal(raw.readUInt32LE(0), NOW_S + 60, 'expiry = now + lifetime, little-endian as struct.pack("I") on this CPU')
  t.strictSame([raw[4], raw[5]], [0x80, 5], 'pickle protocol 5, as cachelib writes')
  t.strictSame(readPickle(raw.subarray(4)), { chat_history: [{ human: '雑談', ai: 'はい' }] })
  t.equal((await stat(file)).mode & 0o777, 0o600)
  t.strictSame(await readdir(dir), [path.basename(file)], 'only the session file: the temp file was renamed')
  t.strictSame(await store.load('abc'), { chat_history: [{ human: '雑談', ai: 'はい' }] })
  now = NOW_MS + 60_000
  t.ok(await store.load('abc'), 'valid up to and including the expiry second')
  now = NOW_MS + 61_000
  t.equal(await store.load('abc'), null, 'expired reads as no session')
})

t.test('lifetime 0 never expires; short files are no session; bad pickles are typed errors', async (t) => {
  const dir = await tempDir(t)
  const store = createFileSystemSessionStore({ dir, lifetimeSeconds: 0 })
  await store.save('forever', { a: 1 })
  t.equal((await readFile(store.fileFor('forever'))).readUInt32LE(0), 0)
  t.strictSame(await store.load('forever'), { a: 1 })
  await writeFile(store.fileFor('short'), Buffer.from([1, 2]))
  t.equal(await store.load('short'), null)
  await writeFile(store.fileFor('evil'), Buffer.concat([Buffer.alloc(4), Buffer.from('8004951f000000000000008c05706f736978948c0673797374656d9493948c047472756594859452942e', 'hex')]))
  await t.rejects(store.load('evil'), { code: 'LA_ERR_PICKLE_FORBIDDEN_OPCODE' })
  await store.delete('nobody')
  await store.delete('forever')
  t.equal(await store.load('forever'), null)
})

t.test('keeps cachelib\'s entry counter in step when it exists', async (t) => {
  const dir = await tempDir(t)
  const countFile = path.join(dir, createHash('md5').update('__wz_cache_count').digest('hex'))
  const store = createFileSystemSessionStore({ dir })
  await store.save('no-counter', { a: 1 })
  t.strictSame((await readdir(dir)).length, 1, 'no counter is created when cachelib has none')
  await writeFile(countFile, entry(0, 3))
  await store.save('one', { a: 1 })
  await store.save('one', { a: 2 })
  await store.update('two', () => ({ b: 1 }))
  t.equal(readPickle((await readFile(countFile)).subarray(4)), 5, 'two new files, one overwrite')
  await store.delete('one')
  t.equal(readPickle((await readFile(countFile)).subarray(4)), 4)
})

t.test('updates in one process are serialised: none is lost', async (t) => {
  const dir = await tempDir(t)
  const store = createFileSystemSessionStore({ dir })
  await Promise.all(Array.from({ length: 25 }, async (_, i) => await store.update('s', (s) => ({
    ...s, counter: (s.counter as number | undefined ?? 0) + 1, [`w${i}`]: i
  }))))
  const final = await store.load('s') as Record<string, unknown>
  t.equal(final.counter, 25)
  t.equal(Object.keys(final).length, 26)
  await store.close()
})

t.test('a write by another process between read and write is merged by top-level key', async (t) => {
  const dir = await tempDir(t)
  const store = createFileSystemSessionStore({ dir, lifetimeSeconds: 0 })
  await store.save('s', { chat_history: ['old'], csrf_token: 'a', theirs_changes: 0 })
  const result = await store.update('s', (s) => {
    // What Flask would do meanwhile: rewrite the whole file with one more key and one changed key.
    writeFileSync(store.fileFor('s'), entry(0, { chat_history: ['old'], csrf_token: 'a', theirs_changes: 1, from_flask: '新しい' }))
    return { ...s, chat_history: ['old', 'mine'], csrf_token: undefined }
  })
  const expected = { chat_history: ['old', 'mine'], theirs_changes: 1, from_flask: '新しい' }
  t.strictSame(result, expected, 'their untouched keys survive, our changes and removals win')
  t.strictSame(await store.load('s'), expected)
})
