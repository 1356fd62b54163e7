/**
 * `bleach.clean` with the legacy allow-list, applied to /api/chat and /api/scenario_chat replies
 * only: allowed tags stay (attributes dropped, except `class` on <code>), other tags are
 * stripped, and `&`, `<`, `>` in text become entities. A small tokenizer is enough for model
 * text; it is not a general HTML sanitiser.
 */

const ALLOWED_TAGS = new Set(['p', 'br', 'strong', 'em', 'u', 'ol', 'ul', 'li', 'code', 'pre'])

const escapeText = (text: string): string =>
  text.replace(/&(?!(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)>/g

function rebuildTag (closing: string, name: string, attributes: string): string {
  const lower = name.toLowerCase()
  if (!ALLOWED_TAGS.has(lower)) return ''
  if (closing !== '' || lower !== 'code') return `<${closing}${lower}>`
  const cls = /\bclass\s*=\s*("([^"]*)"|'([^']*)')/i.exec(attributes)
  const value = cls?.[2] ?? cls?.[3]
  return value === undefined ? '<code>' : `<code class="${value.replace(/"/g, '&quot;')}">`
}

export function bleachClean (html: string): string {
  let out = ''
  let last = 0
  for (const match of html.matchAll(TAG)) {
    out += escapeText(html.slice(last, match.index))
    out += rebuildTag(match[1], match[2], match[3])
    last = match.index + match[0].length
  }
  return out + escapeText(html.slice(last))
}
