/**
 * Three-way merge of a session dict at the top level, for stores without compare-and-set (the
 * filesystem). `base` is what a writer read, `ours` what it wants to write, `theirs` what another
 * writer stored meanwhile. Keys we did not touch keep their value; keys we changed or removed win
 * over theirs (last writer wins per key, never for the whole dict).
 */
import { isDeepStrictEqual } from 'node:util'
import type { SessionData } from './session-types.js'

/** A key set to undefined counts as removed, as the writers leave it out. */
function has (data: SessionData, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(data, key) && data[key] !== undefined
}

function put (data: SessionData, key: string, value: unknown): void {
  Object.defineProperty(data, key, { value, enumerable: true, writable: true, configurable: true })
}

/** The top-level keys `ours` added, changed or removed relative to `base`. */
export function changedKeys (base: SessionData, ours: SessionData): string[] {
  const keys = new Set([...Object.keys(base), ...Object.keys(ours)])
  return [...keys].filter((key) => has(base, key) !== has(ours, key) || !isDeepStrictEqual(base[key], ours[key]))
}

export function mergeTopLevel (base: SessionData, ours: SessionData, theirs: SessionData): SessionData {
  const merged: SessionData = {}
  for (const [key, value] of Object.entries(theirs)) put(merged, key, value)
  for (const key of changedKeys(base, ours)) {
    if (has(ours, key)) put(merged, key, ours[key])
    else delete merged[key]
  }
  return merged
}
