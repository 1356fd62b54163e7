/** A TCP forwarder to Redis that a test can cut and restore, on the same port, to play "Redis down". */
import net, { type AddressInfo, type Socket } from 'node:net'

export interface TcpCut {
  url: string
  cut: () => Promise<void>
  /** Listens again; `replyDelayMs` holds back every chunk Redis sends on connections made from now on. */
  restore: (options?: { replyDelayMs?: number }) => Promise<void>
  /** Chunks from Redis held back by `replyDelayMs` and not yet passed on. */
  heldReplies: () => number
  close: () => Promise<void>
}

export async function startTcpCut (target: { host: string, port: number }): Promise<TcpCut> {
  const sockets = new Set<Socket>()
  let server: net.Server | undefined
  let port = 0
  let held = 0
  const listen = async ({ replyDelayMs = 0 } = {}): Promise<void> => {
    server = net.createServer((client) => {
      const upstream = net.connect(target)
      for (const s of [client, upstream]) {
        sockets.add(s)
        s.on('close', () => sockets.delete(s))
        s.on('error', () => { client.destroy(); upstream.destroy() })
      }
      client.pipe(upstream)
      if (replyDelayMs === 0) upstream.pipe(client)
      else {
        upstream.on('data', (chunk: Buffer) => {
          held++
          setTimeout(() => {
            held--
            if (!client.destroyed) client.write(chunk)
          }, replyDelayMs)
        })
      }
    })
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  }
  const cut = async (): Promise<void> => {
    for (const s of sockets) s.destroy()
    await new Promise<void>((resolve) => { server?.close(() => resolve()) ?? resolve() })
    server = undefined
  }
  await listen()
  return { url: `redis://127.0.0.1:${port}`, cut, restore: listen, heldReplies: () => held, close: cut }
}
