import type { Difference } from '../diff/diff-types.js'

const SESSION_FIELD = '@session.'

function generalise (path: string): string {
  return path.replace(/\.(\d+)(?=\.|$)/g, '[]').replace(/^\d+(?=\.|$)/, '[]')
}

/**
 * The counter name of a difference: body paths with array indices generalised to `[]`
 * (`history.2.ai` -> `history[].ai`, which is also the ignore path that silences it), and
 * `@`-prefixed names for what is not a body field (`@status`, `@headers.content-type`, `@sse.count`).
 * Session fields are generalised too (`@session.chat_history[].ai`): ignore paths apply to sessions.
 */
export function fieldKey (difference: Difference): string {
  if (difference.kind === 'session') {
    return difference.path.startsWith('session.') ? `${SESSION_FIELD}${generalise(difference.path.slice(8))}` : `@${difference.path}`
  }
  if (difference.kind === 'status' || difference.kind === 'header' || difference.kind === 'sse') {
    return `@${difference.path}`
  }
  return generalise(difference.path)
}

/** The ignore path for a volatile field, or null when an ignore path cannot silence it. */
export function suggestedIgnore (field: string): string | null {
  if (field.startsWith(SESSION_FIELD)) return field.slice(SESSION_FIELD.length)
  return field.startsWith('@') || field === '$' ? null : field
}
