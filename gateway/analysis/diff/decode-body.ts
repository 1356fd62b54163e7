import zlib from 'node:zlib'

/** Decoded bodies larger than this are not compared: a small gzip bomb must not eat the heap. */
export const DEFAULT_MAX_DECODED_BYTES = 8 * 1024 * 1024

export class BodyTooLargeToCompare extends Error {
  constructor (limit: number) {
    super(`decoded body is larger than ${limit} bytes`)
    this.name = 'BodyTooLargeToCompare'
  }
}

export class BodyNotDecodable extends Error {
  constructor (encoding: string, cause: unknown) {
    super(`body is not valid ${encoding}`, { cause })
    this.name = 'BodyNotDecodable'
  }
}

function decodeOne (body: Buffer, encoding: string, maxOutputLength: number): Buffer {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(body, { maxOutputLength })
    case 'br':
      return zlib.brotliDecompressSync(body, { maxOutputLength })
    case 'deflate':
      // RFC 9110 says zlib-wrapped; some servers send raw deflate anyway.
      try {
        return zlib.inflateSync(body, { maxOutputLength })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw err
        return zlib.inflateRawSync(body, { maxOutputLength })
      }
    default:
      throw new BodyNotDecodable(encoding, new Error(`unknown content-encoding "${encoding}"`))
  }
}

/**
 * Undoes `content-encoding` (a comma list is applied in order, so it is undone in reverse).
 * Throws BodyTooLargeToCompare past `maxBytes` and BodyNotDecodable on corrupt input.
 */
export function decodeBody (body: Buffer, contentEncoding: string | undefined, maxBytes = DEFAULT_MAX_DECODED_BYTES): Buffer {
  const codings = (contentEncoding ?? '').toLowerCase().split(',')
    .map((c) => c.trim()).filter((c) => c !== '' && c !== 'identity')
  let out = body
  for (const coding of codings.reverse()) {
    try {
      out = decodeOne(out, coding, maxBytes)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new BodyTooLargeToCompare(maxBytes)
      if (err instanceof BodyNotDecodable) throw err
      throw new BodyNotDecodable(coding, err)
    }
  }
  if (out.length > maxBytes) throw new BodyTooLargeToCompare(maxBytes)
  return out
}
