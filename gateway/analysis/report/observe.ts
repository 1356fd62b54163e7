/** Turns observations into counter increments; the recorders differ only in where those go. */
import { bucketIndex } from './latency-buckets.js'
import {
  COVERAGE_FIELDS, DIFFERENT_FIELD, FIELDS, isError, KNOWN_FIELD, MINUTE_MS, PAIRS_FIELD,
  type ShadowCoverageCount, type ShadowPair, type Side, type SideObservation, type Source
} from './recorder-types.js'

export type AddCounter = (feature: string, minute: number, field: string, delta: number) => void

export function observeSide (
  add: AddCounter, feature: string, minute: number, source: Source, side: Side, observation: SideObservation
): void {
  const fields = FIELDS[source][side]
  add(feature, minute, fields.requests, 1)
  if (isError(observation.status)) add(feature, minute, fields.errors, 1)
  const latency = observation.latencyMs
  if (latency !== null && Number.isFinite(latency) && latency >= 0) add(feature, minute, fields.buckets[bucketIndex(latency)], 1)
}

export function observePair (add: AddCounter, pair: ShadowPair, now: number): void {
  const minute = Math.floor(now / MINUTE_MS)
  observeSide(add, pair.feature, minute, 'shadow', 'old', pair.legacy)
  observeSide(add, pair.feature, minute, 'shadow', 'new', pair.candidate)
  add(pair.feature, minute, PAIRS_FIELD, 1)
  if (pair.different) add(pair.feature, minute, DIFFERENT_FIELD, 1)
  else if (pair.known === true) add(pair.feature, minute, KNOWN_FIELD, 1)
}

export function observeShadowCount (add: AddCounter, feature: string, count: ShadowCoverageCount, now: number): void {
  add(feature, Math.floor(now / MINUTE_MS), COVERAGE_FIELDS[count], 1)
}
