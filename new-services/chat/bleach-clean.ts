/**
 * `bleach.clean(text, tags=..., strip=True)` as the legacy app applies it to /api/chat and
 * /api/scenario_chat replies: allowed tags kept without attributes (except `class` on code),
 * other tags stripped, `& < >` in text escaped. Enough for model text, not a general sanitiser.
 */

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'u', 'ol', 'ul', 'li', 'code', 'pre'])
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g

function escapeText (text: string): string {
  return text.replace(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function keepTag (closing: string, name: string, attributes: string): string {
  const tag = name.toLowerCase()
  if (!ALLOWED_TAGS.has(tag)) return ''
  if (closing !== '' || tag !== 'code') return `<${closing}${tag}>`
  const cls = /\bclass\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attributes)
  const value = cls?.[2] ?? cls?.[3]
  return value == null ? '<code>' : `<code class="${value.replace(/"/g, '&quot;')}">`
}

export function bleachClean (html: string): string {
  let out = ''
  let last = 0
  for (const match of html.matchAll(TAG)) {
    out += escapeText(html.slice(last, match.index)) + keepTag(match[1], match[2], match[3])
    last = (match.index ?? 0) + match[0].length
  }
  return out + escapeText(html.slice(last))
}
