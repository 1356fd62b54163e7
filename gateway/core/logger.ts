/** The gateway's pino logger: secrets, cookies and session ids never reach the log. */
import pino, { type Logger } from 'pino'

export const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'headers.cookie',
  'headers.authorization',
  'res.headers["set-cookie"]',
  '*.cookie',
  '*.authorization',
  '*.sessionId',
  '*.token'
]

export function createLogger (level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } })
}
