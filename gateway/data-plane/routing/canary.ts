import { createHash } from 'node:crypto'

/**
 * The canary bucket of a session id: Python's `int(hashlib.md5(sid.encode()).hexdigest(), 16) % 100`,
 * which the legacy app's migration config uses, so gateway and legacy always agree.
 * Folding the 16 digest bytes modulo 100 gives the same number as the 128-bit integer would,
 * without a BigInt per request.
 */
export function canaryBucket (sessionId: string): number {
  const digest = createHash('md5').update(sessionId, 'utf8').digest()
  let bucket = 0
  for (let i = 0; i < digest.length; i++) bucket = (bucket * 256 + digest[i]) % 100
  return bucket
}

/** True when a session in this bucket is served by new at this percentage. */
export function inCanary (bucket: number, percentage: number): boolean {
  return bucket < percentage
}
