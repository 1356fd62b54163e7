/**
 * deploy/ cannot be applied or built here (no cluster, no container engine): every manifest is
 * parsed as YAML and checked for what the gateway relies on, the routes.yaml in the ConfigMap
 * is validated like any routes.yaml, and kustomize renders the set when kubectl is installed.
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { parseAllDocuments } from 'yaml'
import { parseRoutesConfig } from '../../gateway/core/config/load-config.js'

const DEPLOY = fileURLToPath(new URL('../../deploy/', import.meta.url))
const K8S = `${DEPLOY}k8s/`

type Doc = Record<string, any>

function loadManifests (): Array<{ file: string, doc: Doc }> {
  const out: Array<{ file: string, doc: Doc }> = []
  for (const file of readdirSync(K8S).filter((f) => f.endsWith('.yaml'))) {
    for (const document of parseAllDocuments(readFileSync(`${K8S}${file}`, 'utf8'))) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`)
      out.push({ file, doc: document.toJS() as Doc })
    }
  }
  return out
}

const manifests = loadManifests()
const find = (kind: string, name?: string): Doc | undefined =>
  manifests.map((m) => m.doc).find((d) => d.kind === kind && (name === undefined || d.metadata?.name === name))
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)

t.test('every manifest parses and names its kind', async (t) => {
  t.ok(manifests.length >= 8)
  for (const { file, doc } of manifests) {
    t.ok(typeof doc.apiVersion === 'string' && typeof doc.kind === 'string', `${file}: apiVersion and kind`)
    if (doc.kind !== 'Kustomization') t.ok(doc.metadata?.name, `${file}: metadata.name`)
  }
})

t.test('the gateway Deployment', async (t) => {
  const deployment = find('Deployment', 'strangler-gateway') as Doc
  t.ok(deployment)
  t.ok(deployment.spec.replicas >= 3, 'several replicas')
  const podLabels = deployment.spec.template.metadata.labels
  t.ok(matches(deployment.spec.selector.matchLabels, podLabels), 'selector matches the pod labels')
  const pod = deployment.spec.template.spec
  t.equal(pod.securityContext.runAsNonRoot, true)
  const [container] = pod.containers
  const port = container.ports.find((p: Doc) => p.containerPort === 8080)
  t.ok(port, 'listens on 8080')
  t.equal(container.readinessProbe.httpGet.path, '/ready', 'readiness on /ready (legacy answering, not draining)')
  t.equal(container.livenessProbe.httpGet.path, '/health', 'liveness on /health (the process answers)')
  for (const probe of ['readinessProbe', 'livenessProbe']) {
    t.ok([port.name, port.containerPort].includes(container[probe].httpGet.port), `${probe} on the container port`)
  }
  const env = Object.fromEntries(container.env.map((e: Doc) => [e.name, e]))
  t.equal(env.HOST.value, '0.0.0.0', 'reachable from the Service')
  const token = env.GATEWAY_ADMIN_TOKEN.valueFrom.secretKeyRef
  const secret = find('Secret', token.name)
  t.ok(secret, 'the admin token comes from a Secret in the set')
  t.ok(token.key in (secret?.stringData ?? secret?.data ?? {}), 'with that key')

  const redisHost = new URL(env.REDIS_URL.value).hostname
  const redisService = find('Service', redisHost)
  t.ok(redisService, 'REDIS_URL names a Redis Service in the set')
  const redisSet = manifests.map((m) => m.doc).find((d) => d.kind === 'StatefulSet' && matches(redisService?.spec.selector, d.spec.template.metadata.labels))
  t.ok(redisSet, 'and something runs behind it')

  const mount = container.volumeMounts.find((m: Doc) => m.name === 'routes')
  const volume = pod.volumes.find((v: Doc) => v.name === 'routes')
  const configMap = find('ConfigMap', volume.configMap.name) as Doc
  t.ok(configMap, 'routes.yaml comes from a ConfigMap in the set')
  t.equal(`${mount.mountPath}/routes.yaml`, env.ROUTES_FILE.value, 'mounted where ROUTES_FILE points')
  t.ok(container.args.includes(env.ROUTES_FILE.value))
  const routes = parseRoutesConfig(configMap.data['routes.yaml'])
  t.ok(routes.routes.length > 0, 'and it is a valid routes.yaml')
  for (const feature of Object.values(routes.features)) t.equal(feature.enabled, false, 'every flag starts off')

  // The gateway exits within delayMs + graceMs + 1 s of SIGTERM (runtime/server.ts); the kubelet
  // kills at terminationGracePeriodSeconds. A preStop hook would run first, inside that period,
  // and keep /ready at 200 while it ran; the gateway's own delay replaces it.
  const { delayMs, graceMs } = routes.shutdown
  t.notOk(container.lifecycle?.preStop, 'no preStop sleep: the gateway serves on for shutdown.delayMs itself, /ready at 503')
  t.ok(pod.terminationGracePeriodSeconds * 1000 >= delayMs + graceMs + 1000,
    `terminationGracePeriodSeconds (${pod.terminationGracePeriodSeconds}) covers delayMs ${delayMs} + graceMs ${graceMs} + 1 s`)

  const service = find('Service', 'strangler-gateway') as Doc
  t.ok(matches(service.spec.selector, podLabels), 'the Service selects the gateway pods')
  const pdb = find('PodDisruptionBudget') as Doc
  t.ok(matches(pdb.spec.selector.matchLabels, podLabels), 'the PodDisruptionBudget covers the gateway pods')
  t.ok(pdb.spec.minAvailable >= 1 && pdb.spec.minAvailable < deployment.spec.replicas, 'and leaves room to drain a node')
})

t.test('kustomization lists every manifest', async (t) => {
  const kustomization = find('Kustomization') as Doc
  const files = readdirSync(K8S).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort()
  t.same([...kustomization.resources].sort(), files)
  let kubectl = true
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' })
  } catch {
    kubectl = false
  }
  if (!kubectl) {
    t.comment('!!! kubectl is not installed: kustomize rendering not checked')
    return
  }
  const rendered = execFileSync('kubectl', ['kustomize', K8S], { encoding: 'utf8' })
  t.ok(parseAllDocuments(rendered).length >= 8, 'kubectl kustomize renders the set')
})

t.test('Containerfile: multi-stage, production dependencies only, non-root', async (t) => {
  const lines = readFileSync(`${DEPLOY}Containerfile`, 'utf8').split('\n').filter((l) => !l.trim().startsWith('#'))
  const froms = lines.filter((l) => /^FROM\s/i.test(l))
  t.ok(froms.length >= 2, 'multi-stage')
  for (const from of froms) t.match(from, /node:20/, 'Node 20, the supported runtime')
  const runtime = lines.slice(lines.lastIndexOf(froms[froms.length - 1]))
  t.ok(lines.some((l) => /npm ci .*--omit=dev/.test(l)), 'production dependencies installed with --omit=dev')
  t.ok(runtime.some((l) => /COPY --from=deps .*node_modules/.test(l)), 'the runtime takes node_modules from the production stage')
  t.notOk(runtime.some((l) => /COPY --from=build .*node_modules/.test(l)), 'never the dev node_modules')
  const user = runtime.filter((l) => /^USER\s/.test(l)).pop()
  t.ok(user !== undefined && !/^USER\s+(root|0)\b/.test(user), 'runs as a non-root user')
  t.ok(runtime.some((l) => /^ENTRYPOINT .*bin\/strangler-gateway\.js/.test(l)))
})

t.test('systemd unit', async (t) => {
  const sections: Record<string, Record<string, string[]>> = {}
  let current = ''
  for (const raw of readFileSync(`${DEPLOY}strangler-gateway.service`, 'utf8').split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const header = /^\[(\w+)\]$/.exec(line)
    if (header !== null) {
      current = header[1]
      sections[current] = {}
      continue
    }
    const eq = line.indexOf('=')
    t.ok(current !== '' && eq > 0, `key=value inside a section: ${line}`)
    const key = line.slice(0, eq)
    ;(sections[current][key] ??= []).push(line.slice(eq + 1))
  }
  t.same(Object.keys(sections).sort(), ['Install', 'Service', 'Unit'])
  t.match(sections.Service.ExecStart[0], /strangler-gateway\.js start/)
  t.ok(sections.Service.User[0] !== 'root', 'not root')
  t.equal(sections.Service.KillSignal[0], 'SIGTERM')
  t.equal(sections.Service.KillMode[0], 'mixed', 'SIGTERM to the cluster primary only: each worker gets it once, from the primary')
  // The unit reads the operator's routes.yaml; the shipped one's shutdown figures are the reference.
  const { delayMs, graceMs } = parseRoutesConfig(readFileSync(new URL('../../routes.yaml', import.meta.url), 'utf8')).shutdown
  t.ok(Number(sections.Service.TimeoutStopSec[0]) * 1000 >= delayMs + graceMs + 1000,
    `TimeoutStopSec (${sections.Service.TimeoutStopSec[0]}) covers delayMs ${delayMs} + graceMs ${graceMs} + 1 s`)
  t.match(sections.Service.ExecReload[0], /-HUP/)
  t.equal(sections.Install.WantedBy[0], 'multi-user.target')
})
