import t from 'tap'
import { request } from 'undici'
import { startSeededDashboard, TOKEN } from './seed.js'

t.test('the page and assets are public and local; the data needs the admin token', async (t) => {
  const { app, url } = await startSeededDashboard()
  t.teardown(() => app.close())

  const page = await request(`${url}/admin/`)
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /text\/html/)
  const html = await page.body.text()
  t.notMatch(html, /https?:\/\//, 'no CDN: every asset is served by the gateway')

  for (const asset of ['uplot.min.js', 'uplot.min.css', 'dashboard.js', 'dashboard.css']) {
    const res = await request(`${url}/admin/static/${asset}`)
    t.equal(res.statusCode, 200, asset)
    await res.body.dump()
  }
  const missing = await request(`${url}/admin/static/..%2Fdashboard-plugin.ts`)
  t.equal(missing.statusCode, 404, 'only the listed assets')
  await missing.body.dump()

  const refused = await request(`${url}/admin/dashboard-data`)
  t.equal(refused.statusCode, 401)
  await refused.body.dump()
  const data = await request(`${url}/admin/dashboard-data?window=30m`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(data.statusCode, 200)
  const body = await data.body.json() as any
  t.equal(body.window, '30m')
  t.same(body.features.map((f: { name: string }) => f.name), ['chat', 'scenario', 'watch'])
  t.equal(body.features[0].series.length, 10, 'one point per seeded minute')
  t.equal(body.diffs[0].id, 'seeded-diff-1')
  t.equal(body.features[0].report.diffRate.diffStore, 1, 'the diff store\'s own rate beside the window\'s')
  const rollouts = Object.fromEntries(body.features.map((f: { name: string, rollout: any }) => [f.name, f.rollout]))
  t.match(rollouts.scenario, { status: 'running', dryRun: true, step: 'shadow', stepIndex: 0, nextStep: 'canary 10%' }, 'a running rollout, as GET /admin/rollouts/:feature shows it')
  t.match(rollouts.scenario.last, { decision: String, why: String })
  t.match(rollouts.chat, { status: 'idle', stepIndex: null, steps: [25, 50, 100] }, 'a plan never started')
  t.equal(rollouts.watch, null, 'no plan, no rollout')
  t.equal(body.rolloutsError, null)
})
