/**
 * One alert, three wire formats: a Slack-compatible incoming webhook (`{"text"}`), a generic JSON
 * webhook (the alert itself, signed with HMAC-SHA256 when it has a secret), and Alertmanager's
 * `POST /api/v2/alerts` (an array of alerts with labels, annotations and startsAt; one per
 * feature). Each kind of alert (a rollback, a failed handoff check) renders itself once into
 * the three; the body is made once, at enqueue: every retry sends the same bytes.
 */
import { createHmac } from 'node:crypto'
import type { AlertSinkConfig } from '../../core/config/gateway-config.js'
import { describeHandoffSource, type HandoffAlert } from './handoff-alert.js'
import { describeOverride, describeWho, describeWhy, featureList, type RollbackAlert } from './rollback-alert.js'

export const SIGNATURE_HEADER = 'x-strangler-signature'
export const ALERT_ID_HEADER = 'x-strangler-alert-id'
export const ALERTMANAGER_PATH = '/api/v2/alerts'
export const ALERT_NAME = 'StranglerGatewayRollback'
export const HANDOFF_ALERT_NAME = 'StranglerGatewayHandoffFailed'
/** A failed check's reason can name many sessions: Slack and Alertmanager get its start. */
const MAX_REASON_CHARS = 1_000
const MAX_SESSIONS_LISTED = 5

export interface FormattedAlert {
  url: string
  body: string
  headers: Record<string, string>
}

/** `sha256=<hex>`, as GitHub-style receivers check it: HMAC-SHA256 with the secret over the exact body bytes. */
export function signature (secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
}

/** Slack's mrkdwn reserves these three; everything else is literal. */
const slackEscape = (text: string): string => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')

export function slackText (alert: RollbackAlert): string {
  const lines = [`:rotating_light: *Rollback* of *${slackEscape(featureList(alert))}* by ${slackEscape(describeWho(alert))}`]
  for (const change of alert.features) {
    const report = change.report === null ? '' : ` · <${change.report}|report>`
    lines.push(`• *${slackEscape(change.feature)}*: ${describeOverride(change.before)} → ${describeOverride(change.after)}${report}`)
  }
  if (alert.step !== null) lines.push(`Rolled back from: ${slackEscape(alert.step)}`)
  if (alert.gates.length > 0) lines.push(`Gates failed: ${slackEscape(alert.gates.join(', '))}`)
  lines.push(`Why: ${slackEscape(describeWhy(alert))}`)
  for (const warning of alert.warnings) lines.push(`:warning: ${slackEscape(warning)}`)
  lines.push(`_${slackEscape(alert.action)} at ${alert.at} on ${slackEscape(alert.replica)} · alert ${alert.id}_`)
  return lines.join('\n')
}

/** One Alertmanager alert per feature: its labels identify (and deduplicate) it, the annotations say the rest. */
export function alertmanagerAlerts (alert: RollbackAlert, labels: Record<string, string> = {}): unknown[] {
  return alert.features.map((change) => {
    const annotations: Record<string, string> = {
      summary: `${change.feature} rolled back by ${describeWho(alert)}`,
      description: `${change.feature}: ${describeOverride(change.before)} → ${describeOverride(change.after)}. Why: ${describeWhy(alert)}`,
      why: describeWhy(alert),
      who: describeWho(alert),
      before: describeOverride(change.before),
      after: describeOverride(change.after),
      alert_id: alert.id,
      replica: alert.replica
    }
    if (alert.step !== null) annotations.step = alert.step
    if (alert.gates.length > 0) annotations.gates = alert.gates.join(', ')
    if (alert.warnings.length > 0) annotations.warnings = alert.warnings.join(' ')
    if (change.report !== null) annotations.report = change.report
    return {
      labels: { alertname: ALERT_NAME, feature: change.feature, action: alert.action, by: alert.by, ...labels },
      annotations,
      startsAt: alert.at,
      ...(change.report === null ? {} : { generatorURL: change.report })
    }
  })
}

/** Alertmanager's URL is its base (`http://alertmanager:9093`); one that already ends in the API path is kept. */
export function alertmanagerUrl (base: string): string {
  const trimmed = base.replace(/\/+$/, '')
  return trimmed.endsWith(ALERTMANAGER_PATH) ? trimmed : `${trimmed}${ALERTMANAGER_PATH}`
}

/** One alert in each sink's terms. */
export interface RenderedAlert {
  id: string
  slackText: string
  alertmanager: (labels: Record<string, string>) => unknown[]
  webhookBody: unknown
}

export function renderRollback (alert: RollbackAlert): RenderedAlert {
  return { id: alert.id, slackText: slackText(alert), alertmanager: (labels) => alertmanagerAlerts(alert, labels), webhookBody: alert }
}

const clip = (text: string, max: number): string => text.length <= max ? text : `${text.slice(0, max - 1)}…`

export function handoffSlackText (alert: HandoffAlert): string {
  const lines = [`:warning: *Handoff check failed* for *${slackEscape(alert.feature)}* (${alert.status}), ${slackEscape(describeHandoffSource(alert))}`]
  for (const failed of alert.failed.slice(0, MAX_SESSIONS_LISTED)) lines.push(`• session ${failed.session}: ${slackEscape(clip(failed.reasons.join('; '), 300))}`)
  if (alert.failed.length > MAX_SESSIONS_LISTED) lines.push(`• and ${alert.failed.length - MAX_SESSIONS_LISTED} more session(s)`)
  lines.push(`Why: ${slackEscape(clip(alert.reason, MAX_REASON_CHARS))}`)
  if (alert.report !== null) lines.push(`<${alert.report}|report>`)
  lines.push(`_${alert.action} at ${alert.at} on ${slackEscape(alert.replica)} · alert ${alert.id}_`)
  return lines.join('\n')
}

export function handoffAlertmanagerAlerts (alert: HandoffAlert, labels: Record<string, string> = {}): unknown[] {
  const annotations: Record<string, string> = {
    summary: `${alert.feature}: the session handoff check failed (${alert.status})`,
    description: `${describeHandoffSource(alert)}: ${clip(alert.reason, MAX_REASON_CHARS)}`,
    why: clip(alert.reason, MAX_REASON_CHARS),
    sessions: alert.failed.map((f) => f.session).join(', '),
    alert_id: alert.id,
    replica: alert.replica
  }
  if (alert.step !== null) annotations.step = alert.step
  if (alert.report !== null) annotations.report = alert.report
  return [{
    labels: { alertname: HANDOFF_ALERT_NAME, feature: alert.feature, action: alert.action, by: alert.by, ...labels },
    annotations,
    startsAt: alert.at,
    ...(alert.report === null ? {} : { generatorURL: alert.report })
  }]
}

export function renderHandoff (alert: HandoffAlert): RenderedAlert {
  return { id: alert.id, slackText: handoffSlackText(alert), alertmanager: (labels) => handoffAlertmanagerAlerts(alert, labels), webhookBody: alert }
}

export function formatAlert (alert: RenderedAlert, sink: AlertSinkConfig, url: string, secret: string | null): FormattedAlert {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'strangler-gateway', [ALERT_ID_HEADER]: alert.id }
  switch (sink.type) {
    case 'slack':
      return { url, headers, body: JSON.stringify({ text: alert.slackText }) }
    case 'alertmanager':
      return { url: alertmanagerUrl(url), headers, body: JSON.stringify(alert.alertmanager(sink.labels ?? {})) }
    case 'webhook': {
      const body = JSON.stringify(alert.webhookBody)
      if (secret !== null) headers[SIGNATURE_HEADER] = signature(secret, body)
      return { url, headers, body }
    }
  }
}
