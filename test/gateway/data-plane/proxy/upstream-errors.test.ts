/**
 * translateUpstreamError: undici's errors become the gateway's GW_ERR_* errors of docs/errors.md,
 * with the original kept as `cause`; errorCode names an error for metrics and logs.
 * The errors are real undici instances (or real failures of a real undici pool).
 */
import net, { type AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { errors } from 'undici'
import { parseRoutesConfig } from '../../../../gateway/core/config/load-config.js'
import { BodyTooLargeError } from '../../../../gateway/core/errors.js'
import { errorCode, translateUpstreamError } from '../../../../gateway/data-plane/proxy/upstream-errors.js'
import { createUpstream, type Upstream } from '../../../../gateway/data-plane/proxy/upstream-pool.js'
import { routesYaml } from '../../../helpers/gateway.js'
import { freePort } from '../../../helpers/http-server.js'

async function upstreams (t: Test, legacyUrl = 'http://127.0.0.1:1'): Promise<{ legacy: Upstream, candidate: Upstream }> {
  // Three distinct timeouts, so the message says which one was used.
  const config = parseRoutesConfig(routesYaml({
    legacy: legacyUrl,
    new: 'http://127.0.0.1:2',
    upstreams: {
      legacy: { url: legacyUrl, timeouts: { connectMs: 111, headersMs: 222, bodyMs: 333 } },
      new: { url: 'http://127.0.0.1:2', timeouts: { connectMs: 444, headersMs: 555, bodyMs: 666 } }
    }
  }))
  const legacy = createUpstream('legacy', config.upstreams.legacy)
  const candidate = createUpstream('new', config.upstreams.new)
  t.teardown(async () => { await legacy.pool.close(); await candidate.pool.close() })
  return { legacy, candidate }
}

const systemError = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code, syscall: 'connect' })

t.test('timeouts: 504 GW_ERR_UPSTREAM_TIMEOUT naming the timeout that ran out', async (t) => {
  const { legacy, candidate } = await upstreams(t)
  const cases: Array<[string, Error, number, number]> = [
    ['connect', new errors.ConnectTimeoutError(), 111, 444],
    ['headers', new errors.HeadersTimeoutError(), 222, 555],
    ['body', new errors.BodyTimeoutError(), 333, 666]
  ]
  for (const [name, err, legacyMs, newMs] of cases) {
    const translated = translateUpstreamError(err, legacy)
    t.match(translated, { code: 'GW_ERR_UPSTREAM_TIMEOUT', statusCode: 504 }, `${name} timeout`)
    t.equal(translated.message, `upstream legacy did not answer within ${legacyMs} ms; look at the upstream, or raise its timeouts in routes.yaml`)
    t.equal(translated.cause, err, `${name}: the undici error is the cause`)
    t.match(translateUpstreamError(err, candidate).message, new RegExp(`^upstream new did not answer within ${newMs} ms`), `${name}: new's own timeout`)
  }
})

t.test('connection closed mid-answer: 502 GW_ERR_UPSTREAM_RESET', async (t) => {
  const { legacy } = await upstreams(t)
  const cases: Array<[string, Error]> = [
    ['SocketError (other side closed)', new errors.SocketError('other side closed')],
    ['ClientClosedError', new errors.ClientClosedError()],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE', syscall: 'write' })]
  ]
  for (const [name, err] of cases) {
    const translated = translateUpstreamError(err, legacy)
    t.match(translated, { code: 'GW_ERR_UPSTREAM_RESET', statusCode: 502, message: 'upstream legacy closed the connection before it finished answering' }, name)
    t.equal(translated.cause, err, `${name}: kept as cause`)
  }
})

t.test('cannot connect: 502 GW_ERR_UPSTREAM_UNREACHABLE', async (t) => {
  const { candidate } = await upstreams(t)
  for (const code of ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EADDRNOTAVAIL']) {
    const err = systemError(code)
    const translated = translateUpstreamError(err, candidate)
    t.match(translated, { code: 'GW_ERR_UPSTREAM_UNREACHABLE', statusCode: 502, message: /^upstream new is unreachable/ }, code)
    t.equal(translated.cause, err)
  }
})

t.test('a real refused connection from an undici pool', async (t) => {
  const { legacy } = await upstreams(t, `http://127.0.0.1:${await freePort()}`)
  const err = await legacy.pool.request({ method: 'GET', path: '/' }).then(() => undefined, (e: unknown) => e)
  t.match(err, { code: 'ECONNREFUSED' }, 'undici rejects with the system error')
  t.match(translateUpstreamError(err, legacy), { code: 'GW_ERR_UPSTREAM_UNREACHABLE', statusCode: 502 })
})

t.test('not HTTP: 502 GW_ERR_UPSTREAM_PROTOCOL', async (t) => {
  const { legacy } = await upstreams(t)
  const cases: Array<[string, Error]> = [
    ['InformationalError', new errors.InformationalError('reset')],
    ['ResponseContentLengthMismatchError', new errors.ResponseContentLengthMismatchError()]
  ]
  for (const [name, err] of cases) {
    const translated = translateUpstreamError(err, legacy)
    t.match(translated, { code: 'GW_ERR_UPSTREAM_PROTOCOL', statusCode: 502, message: 'upstream legacy sent a response that is not valid HTTP' }, name)
    t.equal(translated.cause, err)
  }
})

/** undici's HTTPParserError takes llhttp's error name as its second argument; its typings only know the message. */
const ParserError = errors.HTTPParserError as unknown as new (message: string, code?: string) => Error & { code: string | undefined }

/** A TCP server that answers an SSH banner: what an upstream url pointing at the wrong port gets. */
async function notHttp (t: Test): Promise<string> {
  const server = net.createServer((socket) => {
    socket.on('error', () => {})
    socket.once('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(async () => await new Promise<void>((resolve) => server.close(() => resolve())))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

t.test('an llhttp parse error with an HPE_ code: 502 GW_ERR_UPSTREAM_PROTOCOL', async (t) => {
  const { legacy } = await upstreams(t)
  for (const name of ['INVALID_CONSTANT', 'INVALID_HEADER_TOKEN', 'INVALID_CHUNK_SIZE']) {
    const err = new ParserError('Response does not match the HTTP/1.1 protocol', name)
    t.equal(err.code, `HPE_${name}`)
    const translated = translateUpstreamError(err, legacy)
    t.match(translated, { code: 'GW_ERR_UPSTREAM_PROTOCOL', statusCode: 502 }, `HPE_${name}`)
    t.equal(translated.cause, err)
  }
})

t.test('a non-HTTP server makes a real undici pool reject with an HTTPParserError', async (t) => {
  const { legacy } = await upstreams(t, await notHttp(t))
  const err = await legacy.pool.request({ method: 'GET', path: '/' }).then(() => undefined, (e: unknown) => e)
  t.ok(err instanceof errors.HTTPParserError, 'an HTTPParserError')
  t.match(err, { message: /does not match the HTTP\/1\.1 protocol/ })
})

t.test('the HTTPParserError a real undici pool gives for a non-HTTP server maps to GW_ERR_UPSTREAM_PROTOCOL', async (t) => {
  // undici 7.30.2 leaves its code undefined (constants.ERROR[ret] is a name-to-number map): the class name decides.
  const { legacy } = await upstreams(t, await notHttp(t))
  const err = await legacy.pool.request({ method: 'GET', path: '/' }).then(() => undefined, (e: unknown) => e)
  t.match(translateUpstreamError(err, legacy), { code: 'GW_ERR_UPSTREAM_PROTOCOL', statusCode: 502 })
})

t.test('the code is also looked for on the cause (fetch-style wrapping)', async (t) => {
  const { legacy } = await upstreams(t)
  t.match(translateUpstreamError(new TypeError('fetch failed', { cause: new errors.SocketError('other side closed') }), legacy), { code: 'GW_ERR_UPSTREAM_RESET' })
  t.match(translateUpstreamError(new TypeError('fetch failed', { cause: new errors.HeadersTimeoutError() }), legacy), { code: 'GW_ERR_UPSTREAM_TIMEOUT', message: /within 222 ms/ })
  t.match(translateUpstreamError(new TypeError('fetch failed', { cause: systemError('ECONNREFUSED') }), legacy), { code: 'GW_ERR_UPSTREAM_UNREACHABLE' })
  // The error's own code wins over its cause's.
  const outer = Object.assign(new Error('outer'), { code: 'UND_ERR_BODY_TIMEOUT', cause: new errors.SocketError('inner') })
  t.match(translateUpstreamError(outer, legacy), { code: 'GW_ERR_UPSTREAM_TIMEOUT', message: /within 333 ms/ })
})

t.test('anything else is GW_ERR_UPSTREAM_FAILED with its own message, not "unreachable"', async (t) => {
  const { legacy } = await upstreams(t)
  for (const [name, err, message] of [
    ['no code', new Error('boom'), /failed: boom$/],
    ['unknown code', Object.assign(new Error('x'), { code: 'E_SOMETHING' }), /failed: x$/],
    ['undici refusing a request', new errors.NotSupportedError('expect header not supported'), /failed: expect header not supported$/],
    ['not an Error', 'just a string', /failed: just a string$/],
    ['null', null, /failed: null$/]
  ] as const) {
    t.match(translateUpstreamError(err, legacy), { code: 'GW_ERR_UPSTREAM_FAILED', statusCode: 502, message }, name)
  }
})

t.test('BodyTooLargeError passes through unchanged', async (t) => {
  const { legacy } = await upstreams(t)
  const err = new BodyTooLargeError(1024)
  t.equal(translateUpstreamError(err, legacy), err, 'the same instance')
  t.match(err, { code: 'GW_ERR_BODY_TOO_LARGE', statusCode: 413 })
})

t.test('errorCode: GW_ERR_* for ours, the raw code otherwise, UNKNOWN without one', async (t) => {
  const { legacy } = await upstreams(t)
  t.equal(errorCode(translateUpstreamError(new errors.SocketError('x'), legacy)), 'GW_ERR_UPSTREAM_RESET')
  t.equal(errorCode(translateUpstreamError(new errors.HeadersTimeoutError(), legacy)), 'GW_ERR_UPSTREAM_TIMEOUT')
  t.equal(errorCode(new BodyTooLargeError(1)), 'GW_ERR_BODY_TOO_LARGE')
  t.equal(errorCode(new errors.SocketError('x')), 'UND_ERR_SOCKET')
  t.equal(errorCode(systemError('ECONNREFUSED')), 'ECONNREFUSED')
  t.equal(errorCode(new Error('no code')), 'UNKNOWN')
  t.equal(errorCode(Object.assign(new Error('numeric'), { code: 42 })), 'UNKNOWN', 'a non-string code is no code')
  t.equal(errorCode(undefined), 'UNKNOWN')
  t.equal(errorCode(null), 'UNKNOWN')
})
