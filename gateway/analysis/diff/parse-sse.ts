import type { SseEvent } from './diff-types.js'

/**
 * Server-Sent Events as the WHATWG parser sees them: `event:` names the event, `data:` lines
 * join with a newline, a blank line dispatches, comments and events without data are skipped,
 * and an event not closed by a blank line before the stream ends is discarded.
 */
export function parseSse (text: string): SseEvent[] {
  const events: SseEvent[] = []
  let name = ''
  let data: string[] = []
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)
  // The last element is whatever followed the final line break: an unfinished line.
  lines.pop()
  for (const line of lines) {
    if (line === '') {
      if (data.length > 0) events.push(toEvent(name, data.join('\n')))
      name = ''
      data = []
      continue
    }
    if (line.startsWith(':')) continue
    const colon = line.indexOf(':')
    const field = colon === -1 ? line : line.slice(0, colon)
    let value = colon === -1 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'event') name = value
    else if (field === 'data') data.push(value)
  }
  return events
}

function toEvent (name: string, data: string): SseEvent {
  const event: SseEvent = { event: name === '' ? 'message' : name, data }
  try {
    event.json = JSON.parse(data)
  } catch {
    // Plain text data is fine; its shape is just "text".
  }
  return event
}
