/**
 * Reads an override written by another replica (or by hand with redis-cli): only the known
 * fields, only valid values. Anything else is dropped rather than steering traffic.
 */
import type { FeatureOverride } from './override-store.js'

export function parseOverride (json: string): FeatureOverride | undefined {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch {
    return undefined
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const { enabled, canary, stage } = value as Record<string, unknown>
  const override: FeatureOverride = {}
  if (typeof enabled === 'boolean') override.enabled = enabled
  if (isCanary(canary)) override.canary = canary
  if (stage === 'live' || stage === 'complete') override.stage = stage
  return override
}

export function isCanary (value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100
}
