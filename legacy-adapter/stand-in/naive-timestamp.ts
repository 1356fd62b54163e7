/**
 * Python's `datetime.now().isoformat()`: local wall time, no zone, microseconds, and, like
 * Python, no fraction at all when the microseconds happen to be zero.
 */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** Sub-millisecond digits come from the monotonic clock so values look like Python's. */
function microsecondsOf (date: Date): number {
  const subMillisecond = Number(process.hrtime.bigint() % 1000n)
  return date.getMilliseconds() * 1000 + subMillisecond
}

export function naiveIsoTimestamp (date: Date = new Date(), micros = microsecondsOf(date)): string {
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`
}
