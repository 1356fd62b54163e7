/**
 * TLS at the edge (routes.yaml `listen.tls`): HTTPS with HTTP/2 offered by ALPN beside
 * HTTP/1.1, so no nginx is needed in front just to terminate TLS. The PEM files are read at
 * start and again on every reload (SIGHUP, a routes.yaml change, POST /admin/reload) and when
 * they change on disk; a new certificate applies to new connections, open ones (and their
 * streams) go on. A file that cannot be read keeps the previous certificate and is logged.
 */
import { readFile } from 'node:fs/promises'
import type { Http2SecureServer } from 'node:http2'
import type { FastifyBaseLogger } from 'fastify'
import type { GatewayConfig } from '../core/config/gateway-config.js'
import { ConfigReadError } from '../core/errors.js'
import { watchFile } from '../core/config/watch-file.js'

export type TlsFiles = NonNullable<GatewayConfig['listen']['tls']>

export interface TlsPair { cert: Buffer, key: Buffer }

export async function readTls (files: TlsFiles): Promise<TlsPair> {
  const read = async (file: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (err) {
      throw new ConfigReadError(file, (err as Error).message, { cause: err })
    }
  }
  const [cert, key] = await Promise.all([read(files.cert), read(files.key)])
  return { cert, key }
}

/** Fastify's server options for a TLS listener: HTTP/2 and HTTP/1.1 on one port. */
export function tlsServerOptions (pair: TlsPair): { http2: true, https: { allowHTTP1: true, cert: Buffer, key: Buffer } } {
  return { http2: true, https: { allowHTTP1: true, ...pair } }
}

export interface TlsReloader {
  /** Re-reads the files named by `files` and swaps the server's certificate. */
  reload: (files: TlsFiles) => Promise<void>
  close: () => void
}

export function createTlsReloader (server: Http2SecureServer, initial: TlsFiles, log: FastifyBaseLogger): TlsReloader {
  let current = initial
  let stopWatching: Array<() => void> = []
  const watchFiles = (files: TlsFiles): void => {
    for (const stop of stopWatching) stop()
    stopWatching = [files.cert, files.key].map((file) => watchFile(file, () => { reload(current).catch(() => {}) }))
  }
  async function reload (files: TlsFiles): Promise<void> {
    try {
      const pair = await readTls(files)
      server.setSecureContext(pair)
      if (files.cert !== current.cert || files.key !== current.key) watchFiles(files)
      current = files
      log.info({ cert: files.cert }, 'TLS certificate loaded')
    } catch (err) {
      log.error({ err }, 'TLS certificate not reloaded; the previous one stays')
    }
  }
  watchFiles(initial)
  return {
    reload,
    close: () => { for (const stop of stopWatching) stop() }
  }
}
