/**
 * Flask-Session's filesystem store, in cachelib's FileSystemCache format (cachelib-file.ts): the
 * file md5(keyPrefix + sid), a native-order 4-byte expiry, then the pickle (protocol 5, as cachelib
 * writes), replaced atomically through a temp file; cachelib's entry counter is kept in step when
 * a session file is created or deleted. An expired or too short file reads as no session.
 *
 * update() guarantee: update() calls for one sid are serialised within this process; against
 * other processes (Flask, another replica) the store re-reads the file just before the rename and,
 * when it changed since it was read, writes a three-way merge of the top-level keys
 * (merge-top-level.ts), so keys the other writer set and `change` did not touch survive. The
 * remaining window is the time between that re-read and the rename.
 */
import { unlink } from 'node:fs/promises'
import path from 'node:path'
import {
  adjustEntryCount, CACHELIB_FILE_MODE, cachelibFileName, ensureDir, entryPayload, exists, isMissing, readOrNull, writeEntryAtomically
} from './cachelib-file.js'
import { FLASK_PERMANENT_SESSION_LIFETIME_S, FLASK_SESSION_KEY_PREFIX } from './flask-defaults.js'
import { mergeTopLevel } from './merge-top-level.js'
import type { SessionData, SessionStore } from './session-types.js'
import { createPickleCodec, type ValueCodec } from './value-codec.js'

export { cachelibFileName }

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

export function createFileSystemSessionStore (options: FileSystemSessionStoreOptions): FileSystemSessionStore {
  const { dir } = options
  const keyPrefix = options.keyPrefix ?? FLASK_SESSION_KEY_PREFIX
  const codec = options.codec ?? createPickleCodec({ protocol: 5 })
  const lifetimeSeconds = options.lifetimeSeconds ?? FLASK_PERMANENT_SESSION_LIFETIME_S
  const fileMode = options.fileMode ?? CACHELIB_FILE_MODE
  const now = options.now ?? Date.now
  const locks = new Map<string, Promise<unknown>>()
  const fileFor = (sid: string): string => path.join(dir, cachelibFileName(keyPrefix + sid))

  let dirReady: Promise<void> | undefined
  const payload = (raw: Buffer | null): Buffer | null => entryPayload(raw, now())
  const adjustCount = async (delta: number): Promise<void> => await adjustEntryCount(dir, delta, fileMode)
  const write = async (sid: string, data: SessionData, existed: boolean): Promise<void> => {
    const expiry = lifetimeSeconds === 0 ? 0 : Math.floor(now() / 1000) + lifetimeSeconds
    // cachelib creates the directory when Flask starts; a TypeScript writer may be first.
    dirReady ??= ensureDir(dir).catch((err: unknown) => { dirReady = undefined; throw err })
    await dirReady
    await writeEntryAtomically(dir, fileFor(sid), expiry, codec.encode(data), fileMode)
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
      await locked(sid, async () => { await write(sid, data, await exists(fileFor(sid))) })
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
