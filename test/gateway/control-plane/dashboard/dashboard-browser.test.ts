import { mkdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { chromium } from 'playwright-core'
import { readPin } from '../../../../gateway/data-plane/routing/tester-pin.js'
import { PIN_SECRET, startSeededDashboard, TOKEN } from './seed.js'

/** The bit of the browser's window the test evaluates in the page (tsconfig has no DOM lib). */
interface BrowserWindow { getComputedStyle: (element: unknown) => { backgroundColor: string } }

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const OUTPUT_DIR = join(process.cwd(), 'test-output')

t.test('headless Chromium shows flags, verdicts, rollouts and a diff side by side', async (t) => {
  const { app, url } = await startSeededDashboard()
  t.teardown(() => app.close())
  const profile = await mkdtemp(join(tmpdir(), 'sg-dashboard-'))
  t.teardown(async () => await rm(profile, { recursive: true, force: true }))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1100 }
  })
  t.teardown(async () => await context.close())
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (err) => errors.push(err.message))
  const external: string[] = []
  page.on('request', (req) => { if (!req.url().startsWith(url)) external.push(req.url()) })

  await page.goto(`${url}/admin/#token=${TOKEN}`)
  await page.waitForSelector('body[data-loaded="true"]', { timeout: 15_000 })

  t.equal(await page.locator('#flags tr[data-feature]').count(), 3, 'one row per feature')
  const chat = page.locator('#flags tr[data-feature="chat"]')
  t.match(await chat.locator('td.phase').textContent(), 'canary 25%')
  t.equal(await chat.locator('td.phase .served-by').textContent(), 'served by split', 'the phase says which side serves')
  t.match(await chat.textContent(), /on.*25%/)
  t.match(await page.locator('#flags tr[data-feature="scenario"] td.phase').textContent(), 'shadow 10%')

  const chatVerdict = page.locator('#verdict-chat')
  t.match(await chatVerdict.locator('.verdict').textContent(), 'not_ready', 'chat: new is twice as slow in shadow')
  t.ok(await chatVerdict.locator('li[data-code="latency_p95"]').count() === 1, 'with the latency reason')
  t.ok(await chatVerdict.locator('li[data-code="diff_rate"]').count() === 1, 'and the diff-rate reason')
  t.match(await page.locator('#verdict-scenario .verdict').textContent(), 'ready')
  t.match(await page.locator('#verdict-watch .verdict').textContent(), 'insufficient_data')

  const scenarioRollout = page.locator('#flags tr[data-feature="scenario"] td.rollout')
  t.equal(await scenarioRollout.getAttribute('data-status'), 'running')
  t.match(await scenarioRollout.textContent(), /running \(dry run\) at shadow \(step 1 of 4\)next: canary 10%/, 'where the rollout stands and what comes next')
  t.ok((await scenarioRollout.locator('.why').textContent() ?? '').length > 0, 'with the controller\'s last reason')
  t.equal(await page.locator('#flags tr[data-feature="chat"] td.rollout').getAttribute('data-status'), 'not_started')
  t.equal(await page.locator('#flags tr[data-feature="watch"] td.rollout').textContent(), '-')

  const diff = page.locator('.diff-record[data-id="seeded-diff-1"]')
  t.equal(await diff.count(), 1, 'the newest diff is shown')
  const changed = diff.locator('tr.diff-row.kind-changed')
  t.match(await changed.locator('td.legacy').textContent(), 'Good morning! How can I help?')
  t.match(await changed.locator('td.candidate').textContent(), 'How can I help you today?')
  const highlight = await changed.locator('td.legacy').evaluate((td) => (globalThis as unknown as BrowserWindow).getComputedStyle(td).backgroundColor)
  t.not(highlight, 'rgba(0, 0, 0, 0)', 'differing field highlighted')
  t.equal(await page.locator('#latency-chat canvas').count(), 1, 'latency chart drawn by uPlot')
  t.equal(await page.locator('#diffs-chat canvas').count(), 1, 'diff chart drawn')
  t.same(errors, [], 'no script errors')
  t.same(external, [], 'nothing loaded from outside the gateway (no CDN)')
  t.equal(new URL(page.url()).hash, '', 'the token is taken out of the address bar')

  // Accept a difference as known from the page: the prompt asks why, the admin API records it.
  page.once('dialog', async (dialog) => { await dialog.accept('the model is allowed to leave it out') })
  await diff.locator('tr.diff-row.kind-missing button.accept-known').click()
  await page.waitForSelector('.diff-record[data-id="seeded-diff-1"] tr.diff-row.kind-missing .known-badge', { timeout: 10_000 })
  t.same(app.knownDifferences.list().map(({ feature, route, path, kind, reason }) => ({ feature, route, path, kind, reason })),
    [{ feature: 'chat', route: '/api/chat', path: 'model_used', kind: 'missing', reason: 'the model is allowed to leave it out' }])
  t.equal(await diff.locator('tr.diff-row.kind-changed button.accept-known').count(), 1, 'the other difference can still be accepted')

  // Pin this browser to new for chat: the cookie holds a pin the gateway accepts.
  await page.locator('#flags tr[data-feature="chat"] button.pin-new').click()
  await page.waitForFunction(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie.includes('sg_pin='), undefined, { timeout: 10_000 })
  const cookie = (await context.cookies()).find((c) => c.name === 'sg_pin')
  t.match(readPin({ cookie: `sg_pin=${cookie?.value ?? ''}` }, PIN_SECRET), { status: 'valid', pin: { feature: 'chat', side: 'new' } })
  t.match(await page.locator('#status').textContent(), /pinned to new for chat/)
  t.same(errors, [], 'still no script errors')

  mkdirSync(OUTPUT_DIR, { recursive: true })
  const file = join(OUTPUT_DIR, 'dashboard.png')
  await page.screenshot({ path: file, fullPage: true })
  t.comment(`screenshot: ${file}`)
})
