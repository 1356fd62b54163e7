/**
 * Keeps a capped copy of a body while it streams. For the primary response the upstream is read
 * to its end even when the client goes away, so the shadow still has something to compare with.
 */
import { PassThrough, type Readable } from 'node:stream'

export interface Captured {
  body: Buffer
  truncated: boolean
  /** The body did not arrive whole (upstream error); nothing to compare. */
  failed: boolean
}

/** Reads a whole body, keeping at most `cap` bytes of it. */
export async function captureBody (body: Readable, cap: number): Promise<Captured> {
  const chunks: Buffer[] = []
  let kept = 0
  let truncated = false
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer
      if (kept + buffer.length <= cap) {
        chunks.push(buffer)
        kept += buffer.length
      } else {
        truncated = true
        if (kept < cap) { chunks.push(buffer.subarray(0, cap - kept)); kept = cap }
      }
    }
    return { body: Buffer.concat(chunks, kept), truncated, failed: false }
  } catch {
    return { body: Buffer.concat(chunks, kept), truncated, failed: true }
  }
}

/**
 * Splits an upstream body into the stream the client gets and a capped copy. Backpressure from
 * the client slows the upstream read; once the client has gone, the rest is read at full speed
 * into the copy (and past the cap, discarded).
 */
export function teeForCapture (upstream: Readable, cap: number): { client: Readable, captured: Promise<Captured> } {
  const client = new PassThrough()
  const chunks: Buffer[] = []
  let kept = 0
  let truncated = false
  let clientGone = false

  client.once('close', () => {
    if (!client.writableFinished) {
      clientGone = true
      upstream.resume()
    }
  })
  client.on('drain', () => upstream.resume())

  const captured = new Promise<Captured>((resolve) => {
    upstream.on('data', (chunk: Buffer) => {
      if (kept + chunk.length <= cap) {
        chunks.push(chunk)
        kept += chunk.length
      } else {
        truncated = true
        if (kept < cap) { chunks.push(chunk.subarray(0, cap - kept)); kept = cap }
      }
      if (!clientGone && !client.write(chunk)) upstream.pause()
    })
    upstream.once('end', () => {
      client.end()
      resolve({ body: Buffer.concat(chunks, kept), truncated, failed: false })
    })
    upstream.once('error', (err) => {
      client.destroy(err)
      resolve({ body: Buffer.concat(chunks, kept), truncated, failed: true })
    })
  })
  return { client, captured }
}
