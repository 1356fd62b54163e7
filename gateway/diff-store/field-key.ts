import type { Difference } from '../diff/types.js'

/**
 * The counter name of a difference: body paths with array indices generalised to `[]`
 * (`history.2.ai` -> `history[].ai`, which is also the ignore path that silences it), and
 * `@`-prefixed names for what is not a body field (`@status`, `@headers.content-type`, `@sse.count`).
 */
export function fieldKey (difference: Difference): string {
  if (difference.kind === 'status' || difference.kind === 'header' || difference.kind === 'sse' || difference.kind === 'session') {
    return `@${difference.path}`
  }
  return difference.path.replace(/\.(\d+)(?=\.|$)/g, '[]').replace(/^\d+(?=\.|$)/, '[]')
}

/** The ignore path for a volatile field, or null when an ignore path cannot silence it. */
export function suggestedIgnore (field: string): string | null {
  return field.startsWith('@') || field === '$' ? null : field
}
