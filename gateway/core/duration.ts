/** `90s`, `30m`, `1h`, `7d` in seconds; null for anything else. */
export function parseDuration (text: string): number | null {
  const match = /^(\d{1,6})([smhd])$/.exec(text)
  if (match === null) return null
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[match[2] as 's' | 'm' | 'h' | 'd']
}
