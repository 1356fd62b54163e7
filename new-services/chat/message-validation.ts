/**
 * Chat input rules of the legacy app: whitespace collapsed, at most 10,000 characters, no
 * script-like content (400 VALIDATION_ERROR), and NG words (400 with a moderation object).
 */
import { validationError } from '../http/app-errors.js'

export const MAX_MESSAGE_CHARS = 10_000

const SCRIPT_LIKE = [/<script/i, /javascript:/i, /on\w+\s*=/i, /data:text\/html/i, /vbscript:/i, /<iframe/i, /<embed/i, /<object/i]

export const NG_WORDS = ['死ね', '殺す', 'ばか', 'あほ']

export const MODERATION_REJECTED_RESPONSE = '申し訳ございませんが、そのメッセージは送信できません。'

/** Python's str.split() also splits on the information separators U+001C-001F and NEL. */
// eslint-disable-next-line no-control-regex -- matching those control characters is the point
const PYTHON_WHITESPACE = /[\s\u001c-\u001f\u0085]+/u

/** Python's `" ".join(text.split())`. */
export function collapseWhitespace (text: string): string {
  return text.split(PYTHON_WHITESPACE).filter((part) => part !== '').join(' ')
}

/** The cleaned message; throws VALIDATION_ERROR for empty, oversize and script-like input. */
export function validateMessage (raw: unknown): string {
  if (raw != null && typeof raw !== 'string') throw validationError('メッセージは文字列で送信してください')
  const message = collapseWhitespace(raw ?? '')
  if (message === '') throw validationError('メッセージを入力してください')
  // Python counts code points, not UTF-16 units.
  if (Array.from(message).length > MAX_MESSAGE_CHARS) throw validationError(`メッセージは${MAX_MESSAGE_CHARS}文字以内で入力してください`)
  if (SCRIPT_LIKE.some((pattern) => pattern.test(message))) throw validationError('不正な内容が含まれています')
  return message
}

export interface Moderation {
  allowed: boolean
  reason?: 'inappropriate_word'
  filtered_text: string
}

/** NG words masked with one `*` per character. */
export function moderate (message: string): Moderation {
  let filtered = message
  for (const word of NG_WORDS) filtered = filtered.split(word).join('*'.repeat(Array.from(word).length))
  return filtered === message
    ? { allowed: true, filtered_text: message }
    : { allowed: false, reason: 'inappropriate_word', filtered_text: filtered }
}
