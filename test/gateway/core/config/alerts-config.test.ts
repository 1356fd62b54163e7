/** routes.yaml's `alerts` block: defaults, and every problem at once with its position. */
import { readFile } from 'node:fs/promises'
import t from 'tap'
import { parse, stringify } from 'yaml'
import { parseRoutesConfig, RoutesConfigError } from '../../../../gateway/core/config/load-config.js'

const base = { upstreams: { legacy: { url: 'http://127.0.0.1:1' }, new: { url: 'http://127.0.0.1:2' } }, features: {}, routes: [] }

t.test('no alerts block: no sinks, and the defaults', async (t) => {
  const config = parseRoutesConfig(stringify(base))
  t.same(config.alerts, { publicUrl: null, timeoutMs: 15_000, queueSize: 100, retry: { attempts: 8, initialDelayMs: 1_000, maxDelayMs: 60_000 }, sinks: {} })
})

t.test('three sinks, a URL in the file or in the environment', async (t) => {
  const config = parseRoutesConfig(stringify({
    ...base,
    alerts: {
      publicUrl: 'https://gateway.example.com',
      sinks: {
        'ops-slack': { type: 'slack', urlEnv: 'SLACK_WEBHOOK_URL' },
        audit_hook: { type: 'webhook', url: 'https://hooks.example.com/strangler', secretEnv: 'ALERT_WEBHOOK_SECRET' },
        am: { type: 'alertmanager', url: 'http://alertmanager:9093', labels: { severity: 'critical', team: 'platform' } }
      }
    }
  }))
  t.same(Object.keys(config.alerts.sinks), ['ops-slack', 'audit_hook', 'am'])
  t.equal(config.alerts.sinks.am.labels?.severity, 'critical')
})

t.test('a sink names its URL once; a secret only on a webhook, labels only on Alertmanager', async (t) => {
  const text = stringify({
    ...base,
    alerts: {
      publicUrl: 'ftp://nope',
      timeoutMs: 0,
      sinks: {
        both: { type: 'slack', url: 'https://hooks.example.com/a', urlEnv: 'SLACK_URL' },
        neither: { type: 'webhook' },
        signed_slack: { type: 'slack', urlEnv: 'SLACK_URL', secretEnv: 'SECRET' },
        labelled_hook: { type: 'webhook', url: 'https://hooks.example.com/b', labels: { a: 'b' } },
        odd: { type: 'pager', url: 'https://x.example.com' },
        lower_env: { type: 'webhook', urlEnv: 'lower' },
        Upper: { type: 'webhook', url: 'https://hooks.example.com/c' },
        am: { type: 'alertmanager', url: 'http://am:9093', labels: { '9lives': 'x' } }
      }
    }
  })
  const error = (() => { try { parseRoutesConfig(text); return null } catch (err) { return err } })() as RoutesConfigError
  t.ok(error instanceof RoutesConfigError)
  const problems = error.problems.map((p) => p.replace(/^routes\.yaml:\d+:\d+ /, ''))
  t.same(problems, [
    'alerts.publicUrl: must match pattern "^https?://[^\\s/]+"',
    'alerts.timeoutMs: must be >= 1',
    'alerts.sinks.both: give url or urlEnv (the environment variable holding the URL), one of the two',
    'alerts.sinks.neither: give url or urlEnv (the environment variable holding the URL), one of the two',
    'alerts.sinks.signed_slack.secretEnv: only a webhook sink signs its body',
    'alerts.sinks.labelled_hook.labels: labels are for an alertmanager sink',
    'alerts.sinks.odd.type: must be one of slack, webhook, alertmanager',
    'alerts.sinks.lower_env.urlEnv: must match pattern "^[A-Z_][A-Z0-9_]*$"',
    'alerts.sinks.Upper: sink names are lower-case letters, digits, _ and - (they become the sink label of the app_alerts_* metrics)',
    'alerts.sinks.am.labels.9lives: label names are letters, digits and _, not starting with a digit (Alertmanager\'s rule)'
  ], 'each problem named, in file order')
  t.notMatch(error.message, /hooks\.example\.com/, 'a problem names the path, never the URL')
})

t.test('the example in docs/alerts.md loads', async (t) => {
  const doc = await readFile(new URL('../../../../docs/alerts.md', import.meta.url), 'utf8')
  const [block] = [...doc.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((m) => m[1])
  const config = parseRoutesConfig(stringify({ ...base, ...parse(block) }))
  t.same(Object.keys(config.alerts.sinks), ['ops-slack', 'audit-hook', 'alertmanager'])
})
