/**
 * One alert, three wire formats: a Slack-compatible incoming webhook (`{"text"}`), a generic JSON
 * webhook (the alert itself, signed with HMAC-SHA256 when it has a secret), and Alertmanager's
 * `POST /api/v2/alerts` (an array of alerts with labels, annotations and startsAt; one per
 * feature). The body is made once, at enqueue: every retry sends the same bytes.
 */
import { createHmac } from 'node:crypto'
import type { AlertSinkConfig } from '../../core/config/gateway-config.js'
import { describeOverride, describeWho, describeWhy, featureList, type RollbackAlert } from './rollback-alert.js'

export const SIGNATURE_HEADER = 'x-strangler-signature'
export const ALERT_ID_HEADER = 'x-strangler-alert-id'
export const ALERTMANAGER_PATH = '/api/v2/alerts'
export const ALERT_NAME = 'StranglerGatewayRollback'

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

export function formatAlert (alert: RollbackAlert, sink: AlertSinkConfig, url: string, secret: string | null): FormattedAlert {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'strangler-gateway', [ALERT_ID_HEADER]: alert.id }
  switch (sink.type) {
    case 'slack':
      return { url, headers, body: JSON.stringify({ text: slackText(alert) }) }
    case 'alertmanager':
      return { url: alertmanagerUrl(url), headers, body: JSON.stringify(alertmanagerAlerts(alert, sink.labels)) }
    case 'webhook': {
      const body = JSON.stringify(alert)
      if (secret !== null) headers[SIGNATURE_HEADER] = signature(secret, body)
      return { url, headers, body }
    }
  }
}
