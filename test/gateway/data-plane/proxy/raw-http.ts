/** A raw HTTP/1.1 exchange over a socket: the bytes as sent, the answer as received, no client library between. */
import net from 'node:net'

export interface RawAnswer { status: number, head: string, headers: Record<string, string>, body: string, raw: string }

/** Sends `request` as is, reads until the server closes, and parses the last answer (de-chunked). */
export async function rawExchange (port: number, request: string | Buffer, { keepOpenMs = 0 }: { keepOpenMs?: number } = {}): Promise<RawAnswer> {
  const socket = net.connect(port, '127.0.0.1')
  socket.write(request)
  const timer = keepOpenMs > 0 ? setTimeout(() => socket.end(), keepOpenMs) : undefined
  let raw = ''
  try {
    for await (const chunk of socket) raw += (chunk as Buffer).toString('latin1')
  } catch {
    // A reset after the answer was read is the server closing early: the answer stands.
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
  return parseAnswer(raw)
}

export function parseAnswer (raw: string): RawAnswer {
  const start = raw.lastIndexOf('HTTP/1.')
  const split = raw.indexOf('\r\n\r\n', start)
  const head = raw.slice(start, split === -1 ? undefined : split)
  const headers: Record<string, string> = {}
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':')
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim()
  }
  let body = split === -1 ? '' : raw.slice(split + 4)
  if (headers['transfer-encoding'] === 'chunked') {
    let out = ''
    for (let at = 0; ;) {
      const eol = body.indexOf('\r\n', at)
      const size = parseInt(body.slice(at, eol), 16)
      if (!(size > 0)) break
      out += body.slice(eol + 2, eol + 2 + size)
      at = eol + 2 + size + 2
    }
    body = out
  }
  return { status: Number(head.split(' ')[1]), head, headers, body, raw }
}
