/**
 * cachelib's FileSystemCache on-disk format (cachelib 0.9, what Flask-Session 0.3 uses), byte for
 * byte:
 * - file name: md5 of the key (keyPrefix + sid) in hex, in the cache directory;
 * - content: the expiry as a 4-byte unsigned int in NATIVE byte order (cachelib writes
 *   struct.pack("I"): little-endian on x86 and ARM, not big-endian), unix seconds, 0 = never,
 *   then the pickle;
 * - written to `tmp<random>.__wz_cache` in the same directory, renamed over the target, then
 *   chmod-ed to the file mode (0600), as cachelib's set() does;
 * - an entry counter in the file md5("__wz_cache_count"): a never-expiring pickled int.
 */
import { createHash, randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { endianness } from 'node:os'
import path from 'node:path'
import { readPickle } from './pickle-reader.js'
import { writePickle } from './pickle-writer.js'

export const CACHELIB_TMP_SUFFIX = '.__wz_cache'
export const CACHELIB_COUNT_KEY = '__wz_cache_count'
export const CACHELIB_FILE_MODE = 0o600
const LITTLE_ENDIAN = endianness() === 'LE'

export function cachelibFileName (key: string): string {
  return createHash('md5').update(key, 'utf8').digest('hex')
}

export function isMissing (err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT'
}

export async function readOrNull (file: string): Promise<Buffer | null> {
  try {
    return await readFile(file)
  } catch (err) {
    if (isMissing(err)) return null
    throw err
  }
}

export async function exists (file: string): Promise<boolean> {
  try {
    await stat(file)
    return true
  } catch (err) {
    if (isMissing(err)) return false
    throw err
  }
}

export function entryHeader (expiry: number): Buffer {
  const b = Buffer.alloc(4)
  if (LITTLE_ENDIAN) b.writeUInt32LE(expiry); else b.writeUInt32BE(expiry)
  return b
}

/** The pickle bytes of a live entry, or null for a missing, expired or too short one (cachelib's get()). */
export function entryPayload (raw: Buffer | null, nowMs: number): Buffer | null {
  if (raw === null || raw.length < 4) return null
  const expiry = LITTLE_ENDIAN ? raw.readUInt32LE(0) : raw.readUInt32BE(0)
  if (expiry !== 0 && expiry < nowMs / 1000) return null
  return raw.subarray(4)
}

export async function writeEntryAtomically (dir: string, file: string, expiry: number, body: Buffer, mode: number): Promise<void> {
  const tmp = path.join(dir, `tmp${randomBytes(6).toString('hex')}${CACHELIB_TMP_SUFFIX}`)
  try {
    await writeFile(tmp, Buffer.concat([entryHeader(expiry), body]), { flag: 'wx', mode })
    await rename(tmp, file)
  } catch (err) {
    await unlink(tmp).catch(() => {})
    throw err
  }
  await chmod(file, mode)
}

export async function ensureDir (dir: string): Promise<void> {
  await mkdir(dir, { recursive: true })
}

/**
 * Moves cachelib's entry counter by `delta`, so Flask's threshold pruning still counts files we
 * create. cachelib keeps the counter only when its threshold is on (it creates the file then);
 * without one, or with a damaged one, nothing is written. Like cachelib's own, not atomic.
 */
export async function adjustEntryCount (dir: string, delta: number, mode: number): Promise<void> {
  const file = path.join(dir, cachelibFileName(CACHELIB_COUNT_KEY))
  const body = entryPayload(await readOrNull(file), 0)
  if (body === null) return
  let count: unknown
  try {
    count = readPickle(body)
  } catch {
    return // A damaged counter is cachelib's to rebuild; it must not fail a session write.
  }
  if (typeof count !== 'number') return
  await writeEntryAtomically(dir, file, 0, writePickle(Math.max(0, count + delta), { protocol: 5 }), mode)
}
