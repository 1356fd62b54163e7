/**
 * Every error the Flask session layer throws, in one place. Codes are stable (`LA_ERR_<AREA>_<WHAT>`):
 * the gateway, the stand-in and the new services match on `err.code`, never on the message.
 * The status codes are what an HTTP caller should answer if it lets the error escape.
 */
import createError from '@fastify/error'

/** A pickle opcode that would import a name or call code (GLOBAL, REDUCE, ...). Nothing was run. */
export const PickleForbiddenOpcodeError = createError(
  'LA_ERR_PICKLE_FORBIDDEN_OPCODE',
  'pickle opcode %s (0x%s) at byte %d would import a name or call code; only plain data (dict, list, tuple, str, bytes, int, float, bool, None) is accepted',
  500)

/** An opcode this reader does not implement (protocol 0/1 text opcodes, out-of-band buffers). */
export const PickleUnsupportedOpcodeError = createError(
  'LA_ERR_PICKLE_UNSUPPORTED_OPCODE',
  'pickle opcode %s (0x%s) at byte %d is not supported; write the session with pickle protocol 2 to 5',
  500)

/** Bytes that are not a well-formed pickle: truncated, bad lengths, stack misuse, too big. */
export const PickleInvalidError = createError(
  'LA_ERR_PICKLE_INVALID', 'invalid pickle at byte %d: %s', 500)

/** A JS value the pickle writer cannot express as plain Python data. */
export const PickleUnsupportedValueError = createError(
  'LA_ERR_PICKLE_UNSUPPORTED_VALUE', 'cannot pickle %s at %s; use plain objects, arrays, strings, numbers, bigints, booleans, null or Buffers', 500)

/** Stored session bytes that the configured value codec cannot decode (msgpack, JSON), or not a dict. */
export const SessionDecodeError = createError(
  'LA_ERR_SESSION_DECODE', 'cannot decode session with the %s codec: %s', 500)

/** A session dict the configured value codec cannot encode. */
export const SessionEncodeError = createError(
  'LA_ERR_SESSION_ENCODE', 'cannot encode session with the %s codec: %s', 500)

/** update() lost the race too many times in a row; the caller may retry later. */
export const SessionConflictError = createError(
  'LA_ERR_SESSION_CONFLICT', 'the session changed under %d update attempts in a row; retry later', 409)

/** A store was configured wrongly (missing secret, bad prefix, no Redis). */
export const SessionConfigError = createError(
  'LA_ERR_SESSION_CONFIG', '%s', 500)

export const LEGACY_SESSION_ERROR_CODES = [
  'LA_ERR_PICKLE_FORBIDDEN_OPCODE',
  'LA_ERR_PICKLE_UNSUPPORTED_OPCODE',
  'LA_ERR_PICKLE_INVALID',
  'LA_ERR_PICKLE_UNSUPPORTED_VALUE',
  'LA_ERR_SESSION_DECODE',
  'LA_ERR_SESSION_ENCODE',
  'LA_ERR_SESSION_CONFLICT',
  'LA_ERR_SESSION_CONFIG'
] as const

/** True for any error this layer throws on purpose (the fuzz tests rely on it). */
export function isLegacySessionError (err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code
  return err instanceof Error && typeof code === 'string' &&
    (LEGACY_SESSION_ERROR_CODES as readonly string[]).includes(code)
}
