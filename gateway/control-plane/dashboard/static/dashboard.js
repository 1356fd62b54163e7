/* The dashboard page: draws GET /admin/dashboard-data. Plain browser JS, no build step.
 * The admin token comes from the URL fragment (#token=...), which browsers never send to the
 * server, or from a prompt; it is kept in sessionStorage for this tab only. */
/* global location, history, Node, prompt, uPlot */
'use strict'
;(function () {
  const REFRESH_MS = 10000
  const TOKEN_KEY = 'strangler-gateway-admin-token'
  const charts = new Map()

  function takeToken () {
    const match = /(?:^|[#&])token=([^&]+)/.exec(location.hash)
    if (match) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]))
      history.replaceState(null, '', location.pathname + location.search)
    }
    return sessionStorage.getItem(TOKEN_KEY)
  }

  function el (tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === 'class') node.className = value
      else node.setAttribute(key, value)
    }
    for (const child of children) {
      if (child === null || child === undefined) continue
      node.append(child instanceof Node ? child : String(child))
    }
    return node
  }

  const ms = (v) => (v === null || v === undefined ? '-' : `${v} ms`)
  const pct = (v) => (v === null || v === undefined ? '-' : `${(v * 100).toFixed(1)}%`)
  const show = (v) => (v === undefined ? '(absent)' : JSON.stringify(v, null, 1))

  function adminHeaders () {
    const token = takeToken()
    return token ? { authorization: `Bearer ${token}` } : {}
  }

  /** An admin call that changes something: JSON in, JSON out, an Error with the gateway's message on failure. */
  async function adminPost (path, body) {
    const res = await fetch(path, { method: 'POST', headers: { ...adminHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const answer = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error(answer.message || `HTTP ${res.status}`)
    return answer
  }

  /** A difference's path with its array indices generalised, so the acceptance covers every item. */
  const signaturePath = (path) => path.split('.').map((s) => (/^\d+$/.test(s) ? '[]' : s)).join('.').replace(/\.\[\]/g, '[]')

  async function acceptKnown (record, difference) {
    const reason = prompt(`Accept "${difference.path}" (${difference.kind}) on ${record.route} as a known difference. Why?`)
    if (!reason) return
    await adminPost('/admin/diffs/known', { feature: record.feature, route: record.route, path: signaturePath(difference.path), kind: difference.kind, reason })
    await refresh()
  }

  /** Pins this browser to a side for one feature: the gateway's signed pin, kept in the sg_pin cookie. */
  async function pinBrowser (feature, side) {
    const pin = await adminPost('/admin/pins', { feature, side, ttl: '1h' })
    document.cookie = `sg_pin=${pin.token}; Path=/; Max-Age=3600; SameSite=Lax`
    document.getElementById('status').textContent = `this browser is pinned to ${side} for ${feature} until ${new Date(pin.expiresAt).toLocaleTimeString()}`
  }

  function pinCell (name) {
    const button = (side) => {
      const b = el('button', { type: 'button', class: `pin pin-${side}`, 'data-side': side }, side)
      b.addEventListener('click', () => { pinBrowser(name, side).catch((err) => { document.getElementById('status').textContent = String(err.message || err) }) })
      return b
    }
    return el('td', { class: 'pins' }, button('new'), ' ', button('legacy'))
  }

  async function load () {
    const headers = adminHeaders()
    const res = await fetch('/admin/dashboard-data', { headers })
    if (res.status === 401 || res.status === 403) {
      const given = prompt('Admin token (GATEWAY_ADMIN_TOKEN)')
      if (given) { sessionStorage.setItem(TOKEN_KEY, given); return load() }
      throw new Error(`admin API refused the dashboard (${res.status})`)
    }
    if (!res.ok) throw new Error(`dashboard data: HTTP ${res.status}`)
    return res.json()
  }

  /** Where the feature's automatic rollout stands, and the controller's last word on it. */
  function rolloutCell (f, data) {
    const r = f.rollout
    if (!r) {
      return data.rolloutsError
        ? el('td', { class: 'rollout', 'data-status': 'unknown', title: data.rolloutsError }, 'state unreachable')
        : el('td', { class: 'rollout', 'data-status': 'none' }, '-')
    }
    const status = r.plan !== null && r.stepIndex === null ? 'not started' : r.status
    const at = r.stepIndex === null ? '' : ` at ${r.step} (step ${r.stepIndex + 1} of ${r.steps.length})`
    const bake = r.bakeRemainingMs > 0 ? `, ${Math.ceil(r.bakeRemainingMs / 1000)} s of bake left` : ''
    const why = r.last ? r.last.why : r.reason
    return el('td', { class: 'rollout', 'data-status': r.stepIndex === null ? 'not_started' : r.status },
      el('span', { class: `rollout-status rollout-${r.status}` }, status), r.dryRun ? ' (dry run)' : '', at,
      r.status === 'running' && r.nextStep !== null ? el('div', { class: 'source next' }, `next: ${r.nextStep}${bake}`) : null,
      why ? el('div', { class: 'source why' }, why) : null,
      r.problems.length > 0 ? el('ul', { class: 'reasons' }, ...r.problems.map((p) => el('li', {}, p))) : null)
  }

  function renderFlags (data) {
    const body = document.querySelector('#flags tbody')
    body.replaceChildren(...data.features.map((f) => {
      const { flag, report } = f
      const rec = report.recommendation
      return el('tr', { 'data-feature': f.name },
        el('td', {}, el('strong', {}, f.name)),
        el('td', {}, el('span', { class: flag.enabled ? 'on' : 'off' }, flag.enabled ? 'on' : 'off'), ' ', el('span', { class: 'source' }, flag.source.enabled)),
        el('td', {}, `${flag.canary}%`, ' ', el('span', { class: 'source' }, flag.source.canary)),
        el('td', { class: 'phase' }, report.phase.label, ' ', el('span', { class: 'source served-by' }, `served by ${report.phase.servedBy}`)),
        el('td', {}, `${flag.shadowSample}%`),
        el('td', {}, `${ms(report.canary.old.p95Ms)} / ${ms(report.canary.new.p95Ms)}`),
        el('td', {}, `${ms(report.shadow.old.p95Ms)} / ${ms(report.shadow.new.p95Ms)}`),
        el('td', {}, `${pct(report.canary.old.errorRate)} / ${pct(report.canary.new.errorRate)}`),
        el('td', {}, `${pct(report.diffRate.shadowPairs)} of ${report.shadow.pairs}`),
        el('td', { id: `verdict-${f.name}` },
          el('span', { class: `verdict verdict-${rec.status}` }, rec.status),
          el('ul', { class: 'reasons' }, ...rec.reasons.map((r) => el('li', { 'data-code': r.code }, r.message)))),
        rolloutCell(f, data),
        pinCell(f.name)
      )
    }))
    document.getElementById('progress').textContent =
      `overall progress ${data.progressPercent}% - config v${data.configVersion} - window ${data.window} - ${new Date(data.generatedAt).toLocaleTimeString()}`
  }

  function chart (id, title, series, x, ys) {
    const container = document.getElementById(id)
    const old = charts.get(id)
    if (old) old.destroy()
    container.replaceChildren(el('h3', {}, title))
    const plot = new uPlot({ // eslint-disable-line new-cap
      width: 420,
      height: 200,
      series: [{}, ...series],
      axes: [{}, { size: 60 }],
      scales: { x: { time: true } }
    }, [x, ...ys], container)
    charts.set(id, plot)
  }

  function renderCharts (data) {
    const section = document.getElementById('charts')
    for (const f of data.features) {
      let block = document.getElementById(`charts-${f.name}`)
      if (!block) {
        block = el('div', { id: `charts-${f.name}` },
          el('h2', {}, `${f.name}: over the last ${data.window}`),
          el('div', { class: 'feature-charts' },
            el('div', { class: 'chart', id: `latency-${f.name}` }),
            el('div', { class: 'chart', id: `diffs-${f.name}` })))
        section.append(block)
      }
      if (f.series.length === 0) {
        for (const id of [`latency-${f.name}`, `diffs-${f.name}`]) {
          if (charts.has(id)) { charts.get(id).destroy(); charts.delete(id) }
        }
        document.getElementById(`latency-${f.name}`).replaceChildren(el('p', {}, 'no traffic recorded in this window'))
        document.getElementById(`diffs-${f.name}`).replaceChildren()
        continue
      }
      const x = f.series.map((p) => p.time / 1000)
      const val = (v) => (v === null ? null : v)
      chart(`latency-${f.name}`, 'p95 latency (ms), old vs new', [
        { label: 'old (live)', stroke: '#4a6fa5', width: 2 },
        { label: 'new (live)', stroke: '#d9822b', width: 2 },
        { label: 'old (shadow)', stroke: '#4a6fa5', dash: [4, 4] },
        { label: 'new (shadow)', stroke: '#d9822b', dash: [4, 4] }
      ], x, [
        f.series.map((p) => val(p.live.old.p95Ms)),
        f.series.map((p) => val(p.live.new.p95Ms)),
        f.series.map((p) => val(p.shadow.old.p95Ms)),
        f.series.map((p) => val(p.shadow.new.p95Ms))
      ])
      chart(`diffs-${f.name}`, 'shadow pairs per minute and diff rate (%)', [
        { label: 'pairs', stroke: '#888', fill: 'rgba(136,136,136,0.15)' },
        { label: 'differing', stroke: '#a11a14', width: 2 },
        { label: 'diff rate %', stroke: '#7a2bd9', width: 2 }
      ], x, [
        f.series.map((p) => p.pairs),
        f.series.map((p) => p.different),
        f.series.map((p) => (p.diffRate === null ? null : p.diffRate * 100))
      ])
    }
  }

  function renderDiffs (data) {
    const box = document.getElementById('diffs')
    if (data.diffsError) { box.replaceChildren(el('p', {}, `diff store unreachable: ${data.diffsError}`)); return }
    if (data.diffs.length === 0) { box.replaceChildren(el('p', {}, 'no differences recorded')); return }
    box.replaceChildren(...data.diffs.map((d) => el('div', { class: 'diff-record', 'data-id': d.id },
      el('div', { class: 'meta' },
        `${d.time}  ${d.feature}  ${d.method} ${d.route}  (${d.path})  legacy ${d.legacy.status} in ${Math.round(d.legacy.latencyMs)} ms, ` +
        `new ${d.candidate.status} in ${Math.round(d.candidate.latencyMs)} ms  - ${d.differenceCount} difference(s)`),
      el('table', {},
        el('thead', {}, el('tr', {}, el('th', {}, 'field'), el('th', {}, 'legacy (old)'), el('th', {}, 'new'))),
        el('tbody', {}, ...d.differences.map((x) => el('tr', { class: `diff-row kind-${x.kind}${x.known ? ' known' : ''}`, title: x.kind },
          el('td', { class: 'path' }, `${x.path} `, el('span', { class: 'source' }, x.kind), ' ', knownControl(d, x)),
          el('td', { class: 'legacy' }, show(x.legacy)),
          el('td', { class: 'candidate' }, show(x.candidate)))))))))
  }

  /** "known" when accepted; else a button to accept it, where the admin API knows about it. */
  function knownControl (record, difference) {
    if (difference.known === true) return el('span', { class: 'known-badge' }, 'known')
    if (difference.known === undefined) return null
    const b = el('button', { type: 'button', class: 'accept-known' }, 'accept as known')
    b.addEventListener('click', () => { acceptKnown(record, difference).catch((err) => { document.getElementById('status').textContent = String(err.message || err) }) })
    return b
  }

  async function refresh () {
    const status = document.getElementById('status')
    try {
      const data = await load()
      renderFlags(data)
      renderCharts(data)
      renderDiffs(data)
      status.textContent = ''
      document.body.dataset.loaded = 'true'
    } catch (err) {
      status.textContent = String(err.message || err)
    }
  }

  refresh()
  setInterval(refresh, REFRESH_MS)
})()
