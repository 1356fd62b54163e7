/**
 * The forwarding headers an upstream sees: set from the connection by default, replacing what
 * a client sent; kept and appended to for a peer in trustedProxies.
 */
import net from 'node:net'
import t, { type Test } from 'tap'
import { parseCidr } from '../../../../gateway/core/cidr.js'
import { forwardingHeaders, trustCheckOf } from '../../../../gateway/data-plane/proxy/forwarding.js'
import { parseRoutesConfig, RoutesConfigError } from '../../../../gateway/core/config/load-config.js'
import { routesYaml, startGateway } from '../../../helpers/gateway.js'
import { namedUpstream, startServer } from '../../../helpers/http-server.js'

const SPOOFED = {
  'x-forwarded-for': '6.6.6.6',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-proto': 'https',
  'x-real-ip': '6.6.6.6',
  forwarded: 'for=6.6.6.6;host=evil.example'
}

/** What the upstream received, for one request with these headers. */
async function upstreamSaw (t: Test, headers: Record<string, string>, trustedProxies?: string[]): Promise<Record<string, string>> {
  const legacy = await startServer(namedUpstream('legacy'))
  t.teardown(legacy.close)
  const { app, url } = await startGateway({ legacy: legacy.url, new: legacy.url, ...(trustedProxies === undefined ? {} : { trustedProxies }) })
  t.teardown(() => app.close())
  const port = Number(new URL(url).port)
  // A raw request, so no client library adds or drops a header on the way.
  const socket = net.connect(port, '127.0.0.1')
  t.teardown(() => socket.destroy())
  const lines = Object.entries({ host: 'gw.test', connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)
  socket.write(`GET /api/anything HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`)
  let text = ''
  for await (const chunk of socket) text += (chunk as Buffer).toString('latin1')
  const body = text.slice(text.indexOf('\r\n\r\n') + 4)
  const json = /\r\ntransfer-encoding: chunked/i.test(text) ? body.slice(body.indexOf('\r\n') + 2, body.lastIndexOf('}') + 1) : body
  return (JSON.parse(json) as { headers: Record<string, string> }).headers
}

t.test('by default a client\'s forwarding headers are replaced by what the connection says', async (t) => {
  const seen = await upstreamSaw(t, SPOOFED)
  t.equal(seen['x-forwarded-for'], '127.0.0.1')
  t.equal(seen['x-real-ip'], '127.0.0.1')
  t.equal(seen['x-forwarded-host'], 'gw.test')
  t.equal(seen['x-forwarded-proto'], 'http')
  t.equal(seen.forwarded, 'for=127.0.0.1;host="gw.test";proto=http')
})

t.test('a trusted peer\'s headers are kept and appended to; X-Real-IP is the first untrusted hop from the right', async (t) => {
  const seen = await upstreamSaw(t, { ...SPOOFED, 'x-forwarded-for': '203.0.113.9, 10.1.2.3' }, ['127.0.0.0/8', '10.0.0.0/8'])
  t.equal(seen['x-forwarded-for'], '203.0.113.9, 10.1.2.3, 127.0.0.1')
  t.equal(seen['x-real-ip'], '203.0.113.9', 'the load balancers (10/8, 127/8) are skipped')
  t.equal(seen['x-forwarded-host'], 'evil.example', 'what the trusted proxy said')
  t.equal(seen['x-forwarded-proto'], 'https')
  t.equal(seen.forwarded, 'for=6.6.6.6;host=evil.example, for=127.0.0.1;host="gw.test";proto=http')
})

t.test('a forwarding header the client names in Connection is hop-by-hop: never believed, even from a trusted peer', async (t) => {
  const seen = await upstreamSaw(t, { 'x-forwarded-for': '6.6.6.6', connection: 'close, x-forwarded-for' }, ['127.0.0.1'])
  t.equal(seen['x-forwarded-for'], '127.0.0.1')
})

t.test('forwardingHeaders: IPv6 and IPv4-mapped peers, no Host', async (t) => {
  const nobody = trustCheckOf([])
  t.match(forwardingHeaders({ peer: '::ffff:192.0.2.1', protocol: 'http', host: undefined, sent: {}, trusted: nobody }),
    { 'x-forwarded-for': '192.0.2.1', 'x-real-ip': '192.0.2.1', forwarded: 'for=192.0.2.1;proto=http' })
  const v6 = forwardingHeaders({ peer: '2001:db8::7', protocol: 'https', host: 'gw.test:8443', sent: {}, trusted: nobody })
  t.equal(v6.forwarded, 'for="[2001:db8::7]";host="gw.test:8443";proto=https')
  t.notOk('x-forwarded-host' in forwardingHeaders({ peer: '192.0.2.1', protocol: 'http', host: undefined, sent: {}, trusted: nobody }))
  const trusted = trustCheckOf(['fd00::/8', '192.0.2.1'])
  t.ok(trusted('fd12::1'))
  t.ok(trusted('::ffff:192.0.2.1'))
  t.notOk(trusted('192.0.2.2'))
  t.notOk(trusted('not an address'))
})

t.test('trustedProxies entries are checked when routes.yaml loads', async (t) => {
  t.same(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' })
  t.equal(parseCidr('10.0.0.0/33'), null)
  t.equal(parseCidr('10.0.0/8'), null)
  t.equal(parseCidr('::1/129'), null)
  const yaml = routesYaml({ legacy: 'http://127.0.0.1:9', new: 'http://127.0.0.1:9', trustedProxies: ['10.0.0.0/8', 'lb.internal'] })
  const err = (() => { try { parseRoutesConfig(yaml) } catch (e) { return e } })()
  t.type(err, RoutesConfigError, 'a bad entry is a config error')
  t.match((err as RoutesConfigError).problems, [/trustedProxies\[1\]: must be an IP address or a CIDR/])
  t.same(parseRoutesConfig(routesYaml({ legacy: 'http://127.0.0.1:9', new: 'http://127.0.0.1:9' })).trustedProxies, [], 'default: nobody is trusted')
})
