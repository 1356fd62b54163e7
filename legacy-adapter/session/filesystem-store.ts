/**
 * Flask-Session's filesystem store, in cachelib's FileSystemCache format byte for byte:
 * - file name: md5(keyPrefix + sid) in hex, in the session directory;
 * - content: the expiry as a 4-byte unsigned int in NATIVE byte order (cachelib writes
 *   struct.pack("I"), which is little-endian on x86 and ARM, not big-endian), unix seconds,
 *   0 = never, then the pickle (cachelib uses pickle.HIGHEST_PROTOCOL, 5 on Python 3.8+);
 * - written to `tmp<random>.__wz_cache` in the same directory, then renamed over the target and
 *   chmod-ed to the file mode (0600), as cachelib's set() does;
 * - cachelib's entry counter file (md5("__wz_cache_count"), a pickled int) is kept in step when a
 *   session file is created or deleted, so Flask's threshold pruning still counts our files.
 * An expired or too short file reads as no session, as cachelib's get() does.
 *
 * update() guarantee: update() calls for one sid are serialised within this process; against
 * other processes (Flask, another replica) the store re-reads the file just before the rename and,
 * when it changed since it was read, writes a three-way merge of the top-level keys
 * (merge-top-level.ts), so keys the other writer set and `change` did not touch survive. The
 * remaining window is the time between that re-read and the rename.
 */
import { createHash, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { endianness } from 'node:os'
import path from 'node:path'
import { mergeTopLevel } from './merge-top-level.js'
import { FLASK_PERMANENT_SESSION_LIFETIME_S, FLASK_SESSION_KEY_PREFIX } from './flask-defaults.js'
import type { SessionData, SessionStore } from './types.js'
import { readPickle } from './pickle-reader.js'
import { writePickle } from './pickle-writer.js'
import { createPickleCodec, type ValueCodec } from './value-codec.js'

export const CACHELIB_TMP_SUFFIX = '.__wz_cache'
export const CACHELIB_COUNT_KEY = '__wz_cache_count'
export const CACHELIB_FILE_MODE = 0o600
const LITTLE_ENDIAN = endianness() === 'LE'

export interface FileSystemSessionStoreOptions {
  /** Flask-Session's SESSION_FILE_DIR (the legacy app: ./flask_session). */
  dir: string
  keyPrefix?: string
  /** Default: pickle protocol 5, as cachelib writes. */
  codec?: ValueCodec
  /** PERMANENT_SESSION_LIFETIME in seconds (default 31 days); 0 writes "never expires". */
  lifetimeSeconds?: number
  /** SESSION_FILE_MODE (default 0600). */
  fileMode?: number
  /** Clock in milliseconds, for tests. */
  now?: () => number
}

export interface FileSystemSessionStore extends SessionStore {
  /** The file a session lives in (md5 of prefix + sid). */
  fileFor (sid: string): string
}

export function cachelibFileName (key: string): string {
  return createHash('md5').update(key, 'utf8').digest('hex')
}

function isMissing (err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
}

async function readOrNull (file: string): Promise<Buffer | null> {
  try {
    return await readFile(file)
  } catch (err) {
    if (isMissing(err)) return null
    throw err
  }
}

export function createFileSystemSessionStore (options: FileSystemSessionStoreOptions): FileSystemSessionStore {
  const { dir } = options
  const keyPrefix = options.keyPrefix ?? FLASK_SESSION_KEY_PREFIX
  const codec = options.codec ?? createPickleCodec({ protocol: 5 })
  const lifetimeSeconds = options.lifetimeSeconds ?? FLASK_PERMANENT_SESSION_LIFETIME_S
  const fileMode = options.fileMode ?? CACHELIB_FILE_MODE
  const now = options.now ?? Date.now
  const locks = new Map<string, Promise<unknown>>()
  const fileFor = (sid: string): string => path.join(dir, cachelibFileName(keyPrefix + sid))
  const countFile = path.join(dir, cachelibFileName(CACHELIB_COUNT_KEY))

  const header = (expiry: number): Buffer => {
    const b = Buffer.alloc(4)
    if (LITTLE_ENDIAN) b.writeUInt32LE(expiry); else b.writeUInt32BE(expiry)
    return b
  }
  /** The pickle bytes of a live entry, or null for a missing, expired or truncated one. */
  const payload = (raw: Buffer | null): Buffer | null => {
    if (raw === null || raw.length < 4) return null
    const expiry = LITTLE_ENDIAN ? raw.readUInt32LE(0) : raw.readUInt32BE(0)
    if (expiry !== 0 && expiry < now() / 1000) return null
    return raw.subarray(4)
  }
  let dirReady: Promise<unknown> | undefined
  const writeAtomically = async (file: string, expiry: number, body: Buffer): Promise<void> => {
    // cachelib creates the directory when Flask starts; a TypeScript writer may be first.
    dirReady ??= mkdir(dir, { recursive: true })
    await dirReady
    const tmp = path.join(dir, `tmp${randomBytes(6).toString('hex')}${CACHELIB_TMP_SUFFIX}`)
    try {
      await writeFile(tmp, Buffer.concat([header(expiry), body]), { flag: 'wx', mode: fileMode })
      await rename(tmp, file)
    } catch (err) {
      await unlink(tmp).catch(() => {})
      throw err
    }
    await chmod(file, fileMode)
  }
  /** cachelib keeps a count of entries only when its threshold is on; it created the file then. */
  const adjustCount = async (delta: number): Promise<void> => {
    const body = payload(await readOrNull(countFile))
    if (body === null) return
    let count: unknown
    try {
      count = readPickle(body)
    } catch {
      return // A damaged counter is cachelib's to rebuild; it must not fail a session write.
    }
    if (typeof count !== 'number') return
    await writeAtomically(countFile, 0, writePickle(Math.max(0, count + delta), { protocol: 5 }))
  }
  const write = async (sid: string, data: SessionData, existed: boolean): Promise<void> => {
    const expiry = lifetimeSeconds === 0 ? 0 : Math.floor(now() / 1000) + lifetimeSeconds
    await writeAtomically(fileFor(sid), expiry, codec.encode(data))
    if (!existed) await adjustCount(1)
  }
  const locked = async <T>(sid: string, task: () => Promise<T>): Promise<T> => {
    const previous = locks.get(sid) ?? Promise.resolve()
    const run = previous.then(task, task)
    // The last waiter for a sid removes the entry, so the map only holds sids in use.
    const release = (): void => { if (locks.get(sid) === settled) locks.delete(sid) }
    const settled: Promise<void> = run.then(release, release)
    locks.set(sid, settled)
    return await run
  }

  return {
    fileFor,
    async load (sid) {
      const body = payload(await readOrNull(fileFor(sid)))
      return body === null ? null : codec.decode(body)
    },
    async save (sid, data) {
      await locked(sid, async () => {
        const raw = await readOrNull(fileFor(sid))
        await write(sid, data, raw !== null)
      })
    },
    async update (sid, change) {
      return await locked(sid, async () => {
        const file = fileFor(sid)
        const raw = await readOrNull(file)
        const body = payload(raw)
        const next = change(body === null ? {} : codec.decode(body))
        const rawNow = await readOrNull(file)
        const bodyNow = payload(rawNow)
        const changedMeanwhile = rawNow !== null && (raw === null || !raw.equals(rawNow)) && bodyNow !== null
        const result = changedMeanwhile
          ? mergeTopLevel(body === null ? {} : codec.decode(body), next, codec.decode(bodyNow))
          : next
        await write(sid, result, rawNow !== null)
        return result
      })
    },
    async delete (sid) {
      await locked(sid, async () => {
        try {
          await unlink(fileFor(sid))
        } catch (err) {
          if (isMissing(err)) return
          throw err
        }
        await adjustCount(-1)
      })
    },
    async close () {
      await Promise.all(locks.values())
    }
  }
}
