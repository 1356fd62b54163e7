/**
 * Chat input handling of the legacy app: whitespace collapse, a 10,000 character cap, a
 * dangerous-pattern regex, and NG-word moderation that answers with its own 400 shape.
 */
import { validationError } from './app-errors.js'

export const MAX_MESSAGE_CHARS = 10_000

const DANGEROUS_PATTERNS = [
  /<script/i, /javascript:/i, /on\w+\s*=/i, /data:text\/html/i, /vbscript:/i, /<iframe/i, /<embed/i, /<object/i
]

export const NG_WORDS = ['死ね', '殺す', 'ばか', 'あほ']

/** `" ".join(text.split())`: Python's split() with no argument splits on any Unicode whitespace. */
export function collapseWhitespace (text: string): string {
  // Python's str.split() also splits on the ASCII separators 0x1c-0x1f.
  // eslint-disable-next-line no-control-regex
  return text.split(/[\s\u001c-\u001f\u0085]+/u).filter((part) => part !== '').join(' ')
}

/** The cleaned message, or a VALIDATION_ERROR as legacy raises it. */
export function validateChatMessage (raw: string): string {
  const message = collapseWhitespace(raw)
  if (message === '') throw validationError('メッセージを入力してください')
  // Python's len() counts code points, not UTF-16 units.
  if ([...message].length > MAX_MESSAGE_CHARS) {
    throw validationError(`メッセージは${MAX_MESSAGE_CHARS}文字以内で入力してください`)
  }
  if (DANGEROUS_PATTERNS.some((pattern) => pattern.test(message))) {
    throw validationError('不正な内容が含まれています')
  }
  return message
}

export interface ModerationResult {
  allowed: boolean
  reason?: 'inappropriate_word'
  filtered_text: string
}

/** NG words are masked with one `*` per character. */
export function moderate (message: string): ModerationResult {
  let filtered = message
  let allowed = true
  for (const word of NG_WORDS) {
    if (!filtered.includes(word)) continue
    allowed = false
    filtered = filtered.split(word).join('*'.repeat([...word].length))
  }
  return allowed ? { allowed, filtered_text: filtered } : { allowed, reason: 'inappropriate_word', filtered_text: filtered }
}

export const MODERATION_REJECTED_RESPONSE = '申し訳ございませんが、そのメッセージは送信できません。'
