/**
 * Rollback and handoff alerts: decorates `app.alerts`, which the rollback routes (POST
 * /admin/rollback and /admin/rollback/:feature) and the rollout controller call once a rollback
 * has taken effect, and the handoff route and the controller call when a session handoff check
 * fails.
 * The call builds the alert, formats it for every sink of routes.yaml's `alerts` block (as the
 * running config has it then) and queues it (alert-queue.ts); it returns at once and never
 * throws, so an alert can neither delay nor fail a rollback.
 *
 * One rollback, one alert: only the replica that rolled back calls this (and only the one that
 * ran a failed handoff check: the on-demand check runs on the replica asked, the controller's on
 * the lock holder, which alerts a failure once, not on every evaluation that repeats it). An operator's rollback
 * is one HTTP call to one replica; the automatic one is written by the replica holding the
 * rollout controller lock, and the controller calls this only after its fenced state write
 * succeeded (controller.ts). The other replicas apply the change (Redis pub/sub) and send nothing.
 *
 * Register it after the audit plugin (a dropped alert goes to the audit trail) and before the
 * rollout and admin plugins, on the instance buildGateway returns (it needs app.gateway and
 * app.metrics); registerControlPlane does it in that order.
 */
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { AlertsConfig, AlertSinkConfig } from '../../core/config/gateway-config.js'
import { createAlertMetrics } from './alert-metrics.js'
import { createAlertQueue, DEFAULT_CLOSE_GRACE_MS, type DeliveryPolicy } from './alert-queue.js'
import { buildHandoffAlert, type HandoffFailureNotice } from './handoff-alert.js'
import { buildAlert, type RollbackNotice } from './rollback-alert.js'
import { formatAlert, renderHandoff, renderRollback, type RenderedAlert } from './sink-formats.js'

/** Each call queues its alert for every configured sink; returns at once and never throws. */
export interface GatewayAlerts {
  rollback (notice: RollbackNotice): void
  handoffFailed (notice: HandoffFailureNotice): void
}

/** For an admin API or a controller without the alerts plugin. */
export const NO_ALERTS: GatewayAlerts = Object.freeze({ rollback () {}, handoffFailed () {} })

export interface AlertsPluginOptions {
  /** Where urlEnv and secretEnv are read, when an alert is sent; default process.env. */
  env?: NodeJS.ProcessEnv
  /** Named in every alert and in the audit entry of a dropped one; default host:pid. */
  replicaId?: string
}

declare module 'fastify' {
  interface FastifyInstance {
    alerts: GatewayAlerts
  }
}

type Resolved = { url: string, secret: string | null } | { problem: string }

/** The URL and secret from the environment, as of now. The problem names variables, never values. */
function resolveSink (sink: AlertSinkConfig, env: NodeJS.ProcessEnv): Resolved {
  const url = sink.url ?? (sink.urlEnv === undefined ? undefined : env[sink.urlEnv])
  if (url === undefined || url === '') return { problem: `${sink.urlEnv ?? 'its URL variable'} is not set` }
  if (!/^https?:\/\//.test(url) || !URL.canParse(url)) return { problem: `${sink.urlEnv ?? 'url'} is not an http(s) URL` }
  if (sink.secretEnv === undefined) return { url, secret: null }
  const secret = env[sink.secretEnv]
  // Unsigned, a receiver that checks signatures would refuse it anyway: say so here instead.
  if (secret === undefined || secret === '') return { problem: `${sink.secretEnv} (its signing secret) is not set` }
  return { url, secret }
}

function policyOf (config: AlertsConfig): DeliveryPolicy {
  return { timeoutMs: config.timeoutMs, queueSize: config.queueSize, ...config.retry }
}

async function alertsPlugin (app: FastifyInstance, options: AlertsPluginOptions): Promise<void> {
  if (!app.hasDecorator('gateway') || !app.hasDecorator('metrics')) throw new Error('the alerts plugin needs app.gateway and app.metrics: register it on the instance buildGateway returns')
  const env = options.env ?? process.env
  const replica = options.replicaId ?? `${hostname()}:${process.pid}`
  const log = app.log.child({ component: 'alerts' })
  const audit = app.adminAudit
  const auditWrites = new Set<Promise<void>>()
  const queue = createAlertQueue({
    metrics: createAlertMetrics(app.metrics.registry),
    log,
    onDrop ({ alertId, feature, sink, reason, tries, detail }) {
      const write = audit.record({
        at: new Date().toISOString(),
        who: { tokenId: null, remoteAddress: `alerts ${replica}` },
        action: 'alert.dropped',
        feature,
        before: null,
        after: { alertId, sink, reason, tries, detail }
      }).catch((err: unknown) => log.error({ err, sink, alertId }, 'writing the audit entry of a dropped rollback alert failed'))
        .finally(() => auditWrites.delete(write))
      auditWrites.add(write)
    }
  })

  // Say at start what would make every alert to a sink fail, by variable name.
  for (const [name, sink] of Object.entries(app.gateway.holder.current().config.alerts.sinks)) {
    const resolved = resolveSink(sink, env)
    if ('problem' in resolved) log.warn({ sink: name }, `alert sink "${name}": ${resolved.problem}; its alerts will be dropped until it is`)
  }

  /** Formats one alert for every sink of the running config and queues it. */
  function send (kind: string, render: (meta: { id: string, replica: string, publicUrl: string | null }) => { feature: string | null, rendered: RenderedAlert }): void {
    try {
      const config = app.gateway.holder.current().config.alerts
      const sinks = Object.entries(config.sinks)
      if (sinks.length === 0) return
      const { feature, rendered } = render({ id: randomUUID(), replica, publicUrl: config.publicUrl })
      const policy = policyOf(config)
      for (const [name, sink] of sinks) {
        const id = { alertId: rendered.id, feature, sink: name }
        const resolved = resolveSink(sink, env)
        if ('problem' in resolved) {
          queue.drop(id, 'misconfigured', resolved.problem)
          continue
        }
        queue.enqueue({ ...id, request: formatAlert(rendered, sink, resolved.url, resolved.secret), policy })
      }
    } catch (err) {
      log.error({ err }, `queueing the ${kind} alert failed; what it reports is done regardless`)
    }
  }

  const alerts: GatewayAlerts = {
    rollback (notice) {
      send('rollback', (meta) => {
        const alert = buildAlert(notice, meta)
        return { feature: alert.feature, rendered: renderRollback(alert) }
      })
    },
    handoffFailed (notice) {
      send('handoff', (meta) => ({ feature: notice.feature, rendered: renderHandoff(buildHandoffAlert(notice, meta)) }))
    }
  }
  app.decorate('alerts', alerts)
  // Close hooks run last-added first: this one before the audit plugin closes the trail it writes drops to.
  app.addHook('onClose', async () => {
    await queue.close()
    // The drops close() made (shutdown) are written before the trail closes, within a bound.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(auditWrites), new Promise((resolve) => { timer = setTimeout(resolve, DEFAULT_CLOSE_GRACE_MS) })])
    clearTimeout(timer)
  })
}

export default fp(alertsPlugin, { name: 'alerts', fastify: '5.x', dependencies: ['audit'] })
