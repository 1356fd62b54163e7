/**
 * Reads one cookie out of a Cookie header the way Werkzeug 2.2 (`request.cookies.get`) does, so
 * the gateway and Flask always agree on which session a request carries: pairs split on `;`,
 * keys and values trimmed, a double-quoted value unquoted (`\"`, `\\`, `\ooo` octal), and the
 * FIRST occurrence of a duplicated name wins. It never throws: any string in, a string or
 * undefined out, in time linear in the header length.
 */

/** Cookie headers longer than this are not parsed at all: no browser sends one, so it is noise or an attack. */
export const MAX_COOKIE_HEADER_CHARS = 64 * 1024

function isSpace (c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c
}

function unquote (quoted: string): string {
  const inner = quoted.slice(1, -1)
  if (!inner.includes('\\')) return inner
  return inner.replace(/\\([0-3][0-7][0-7]|[\s\S])/g, (_all, esc: string) =>
    esc.length === 3 ? String.fromCharCode(parseInt(esc, 8)) : esc)
}

/** Where a quoted value `"..."` starting at `start` ends (index after the closing quote), or -1. */
function quotedEnd (header: string, start: number): number {
  for (let i = start + 1; i < header.length; i++) {
    const c = header.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x22) return i + 1
  }
  return -1
}

export function readCookie (header: string | string[] | undefined, name: string): string | undefined {
  if (Array.isArray(header)) header = header.join('; ')
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_COOKIE_HEADER_CHARS) return undefined
  let i = 0
  const n = header.length
  while (i < n) {
    let keyEnd = i
    while (keyEnd < n && header[keyEnd] !== '=' && header[keyEnd] !== ';') keyEnd++
    const key = header.slice(i, keyEnd).trim()
    if (keyEnd >= n || header[keyEnd] === ';') {
      // A bare word without `=`: Werkzeug yields it with an empty value.
      if (key === name && key !== '') return ''
      i = keyEnd + 1
      continue
    }
    let v = keyEnd + 1
    while (v < n && isSpace(header.charCodeAt(v))) v++
    let value: string
    let next: number
    const end = header[v] === '"' ? quotedEnd(header, v) : -1
    let after = end
    while (after !== -1 && after < n && isSpace(header.charCodeAt(after))) after++
    if (end !== -1 && (after >= n || header[after] === ';')) {
      value = unquote(header.slice(v, end))
      next = after + 1
    } else {
      let semi = header.indexOf(';', v)
      if (semi === -1) semi = n
      value = header.slice(v, semi).trimEnd()
      next = semi + 1
    }
    if (key === name && key !== '') return value
    i = next
  }
  return undefined
}
