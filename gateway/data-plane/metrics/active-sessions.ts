/**
 * app_active_sessions: distinct session cookies seen in the last `windowMinutes` minutes.
 * A ring of one Set per minute holding a 32-bit FNV-1a hash of the cookie value: numbers, not
 * strings, so no session id is ever kept, and each Set stops growing at `maxPerMinute`, so a
 * flood of forged cookies costs bounded memory (the count then reads as a floor). The union is
 * taken at scrape time, not per request. Hash collisions undercount by ~n²/2³³: nothing at the
 * scale of one team's app.
 */
export const DEFAULT_ACTIVE_SESSION_WINDOW_MINUTES = 5
export const DEFAULT_MAX_SESSIONS_PER_MINUTE = 50_000

export interface ActiveSessions {
  /** Notes one request's session cookie value. O(1). */
  see (cookieValue: string, now?: number): void
  count (now?: number): number
}

const MINUTE_MS = 60_000

/** FNV-1a over UTF-16 code units: cheap, allocation-free, good enough to tell sessions apart. */
export function fnv1a32 (text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export function createActiveSessions (
  windowMinutes = DEFAULT_ACTIVE_SESSION_WINDOW_MINUTES,
  maxPerMinute = DEFAULT_MAX_SESSIONS_PER_MINUTE
): ActiveSessions {
  const sets: Array<Set<number>> = Array.from({ length: windowMinutes }, () => new Set())
  const minutes: number[] = new Array(windowMinutes).fill(-1)

  const slotFor = (minute: number): Set<number> => {
    const slot = minute % windowMinutes
    if (minutes[slot] !== minute) {
      sets[slot].clear()
      minutes[slot] = minute
    }
    return sets[slot]
  }

  return {
    see (cookieValue, now = Date.now()) {
      const set = slotFor(Math.floor(now / MINUTE_MS))
      if (set.size < maxPerMinute) set.add(fnv1a32(cookieValue))
    },
    count (now = Date.now()) {
      const current = Math.floor(now / MINUTE_MS)
      const union = new Set<number>()
      for (let slot = 0; slot < windowMinutes; slot++) {
        if (minutes[slot] > current - windowMinutes && minutes[slot] <= current) {
          for (const hash of sets[slot]) union.add(hash)
        }
      }
      return union.size
    }
  }
}
