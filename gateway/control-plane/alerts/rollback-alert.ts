/**
 * What a rollback alert says. The rollback routes and the rollout controller hand over a
 * notice once the rollback took effect (GatewayAlerts.rollback); it is turned into one alert,
 * with an id, the features it changed and their report links, and every sink formats that one
 * alert (sink-formats.ts), so Slack, a webhook and Alertmanager all say the same thing.
 */
import type { AuditEntry } from '../audit/audit-log.js'
import type { FeatureOverride } from '../../data-plane/overrides/override-store.js'

export type RollbackAction = 'rollback' | 'rollback.all' | 'rollout.rollback'

/** `operator`: POST /admin/rollback[/:feature]; `rollout-controller`: the automatic rollback. */
export type RolledBackBy = 'operator' | 'rollout-controller'

export interface RollbackNotice {
  /**
   * The rollback's audit record: `rollback` and `rollback.all` exactly as the admin API recorded
   * them; for the controller a `rollout.rollback` record of the same shape, whose before and
   * after are the feature's override (its audit entry carries the rollout's step instead).
   * `rollback.all`: before and after are maps by feature.
   */
  record: AuditEntry & { action: RollbackAction }
  by: RolledBackBy
  /** The operator's reason (null: none given), or the controller's. */
  why: string | null
  /** The controller's failed gates: the verdict's reason codes (`error_rate`, `latency_p95`, ...). */
  gates?: string[]
  /** The rollout step the controller rolled back from (`canary 10%`). */
  step?: string
  /** What the rollback answer warned about (an environment flag that outranks it). */
  warnings?: string[]
}

export interface FeatureChange {
  feature: string
  /** The admin override before (null: none, routes.yaml decided). */
  before: FeatureOverride | null
  after: FeatureOverride | null
  /** `<publicUrl>/admin/report/<feature>`; null without alerts.publicUrl. */
  report: string | null
}

/** The generic webhook's body: the audit record's fields, then what the alert adds. */
export interface RollbackAlert extends AuditEntry {
  action: RollbackAction
  /** The same in every sink's copy and in every retry of it: receivers can deduplicate on it. */
  id: string
  by: RolledBackBy
  why: string | null
  gates: string[]
  step: string | null
  warnings: string[]
  /** One entry per feature rolled back (rollback.all: each of them). */
  features: FeatureChange[]
  /** The replica that rolled back, and so sent the alert. */
  replica: string
}

export function reportUrl (publicUrl: string | null, feature: string): string | null {
  if (publicUrl === null) return null
  return `${publicUrl.replace(/\/+$/, '')}/admin/report/${encodeURIComponent(feature)}`
}

function asOverride (value: unknown): FeatureOverride | null {
  return value !== null && typeof value === 'object' ? value as FeatureOverride : null
}

export function buildAlert (notice: RollbackNotice, { id, replica, publicUrl }: { id: string, replica: string, publicUrl: string | null }): RollbackAlert {
  const { record } = notice
  const all = record.action === 'rollback.all'
  const features = all ? Object.keys(asOverride(record.after) ?? {}) : record.feature === null ? [] : [record.feature]
  const pick = (side: unknown, feature: string): FeatureOverride | null =>
    asOverride(all ? (asOverride(side) as Record<string, unknown> | null)?.[feature] : side)
  return {
    ...record,
    id,
    by: notice.by,
    why: notice.why,
    gates: notice.gates ?? [],
    step: notice.step ?? null,
    warnings: notice.warnings ?? [],
    features: features.map((feature) => ({
      feature,
      before: pick(record.before, feature),
      after: pick(record.after, feature),
      report: reportUrl(publicUrl, feature)
    })),
    replica
  }
}

/** `flag on, canary 25%`; a partial override names what it sets; null: no override. */
export function describeOverride (override: FeatureOverride | null): string {
  if (override === null) return 'no override (routes.yaml decides)'
  const parts: string[] = []
  if (override.enabled !== undefined) parts.push(`flag ${override.enabled ? 'on' : 'off'}`)
  if (override.canary !== undefined) parts.push(`canary ${override.canary}%`)
  if (override.stage !== undefined) parts.push(override.stage)
  return parts.length === 0 ? 'an empty override' : parts.join(', ')
}

/** `an operator (token 9f86d081, from 10.0.3.7)` or `the rollout controller (replica ...)`. */
export function describeWho (alert: RollbackAlert): string {
  if (alert.by === 'rollout-controller') return `the rollout controller (${alert.who.remoteAddress.replace(/^rollout-controller /, 'replica ')})`
  const { tokenId, remoteAddress } = alert.who
  return tokenId === null ? `an operator (no admin token configured, from ${remoteAddress})` : `an operator (token ${tokenId}, from ${remoteAddress})`
}

export function describeWhy (alert: RollbackAlert): string {
  if (alert.why !== null && alert.why !== '') return alert.why
  return alert.by === 'operator' ? 'no reason given' : 'the rollout controller rolled it back'
}

/** The features in one phrase: `chat` or `chat, watch`. */
export function featureList (alert: RollbackAlert): string {
  return alert.features.length === 0 ? 'no feature' : alert.features.map((f) => f.feature).join(', ')
}
