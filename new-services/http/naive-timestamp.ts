/** Python's `datetime.now().isoformat()`: local wall time, no zone, microseconds (omitted when 0). */

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

export function naiveIsoTimestamp (date: Date = new Date()): string {
  // Sub-millisecond digits from the monotonic clock, so values have Python's six digits.
  const micros = date.getMilliseconds() * 1000 + Number(process.hrtime.bigint() / 1000n % 1000n)
  const base = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`
}
