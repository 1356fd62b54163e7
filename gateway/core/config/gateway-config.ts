/**
 * The validated, defaulted and frozen shape of routes.yaml, derived from the one schema
 * (schema.ts) with json-schema-to-ts: no field is typed here, each name below is a part of
 * `FromSchema<typeof routesSchema>`. What a field means is documented beside it in schema.ts.
 *
 * Defaults: Ajv runs with `useDefaults`, so every property with a `default` is present in the
 * loaded config. FromSchema types exactly that without help: it makes defaulted properties
 * required unless asked not to (`keepDefaultedPropertiesOptional`, left off), so a property is
 * optional here only when it has no default and is not required (a feature's `rollout`).
 *
 * The loader (load-config.ts) adds and transforms no field after validation, it only freezes
 * the result, so there is no extension to the derived type; the types stay mutable as before.
 */
import type { FromSchema } from 'json-schema-to-ts'
import type { routesSchema } from './schema.js'

/**
 * The one thing FromSchema cannot read from the schema: a rollout step is
 * `type: ['string', 'number'], pattern: '^(shadow|live|complete)$'`, and FromSchema ignores `pattern`, so the
 * string arm would be any string. This deserialization pattern narrows the sub-schema with that
 * pattern to what it admits. Should the pattern change, the match fails, steps widen to
 * `string | number` and the code that treats a non-'shadow' step as a number stops compiling.
 */
interface DerivationOptions {
  deserialize: [{ pattern: { pattern: '^(shadow|live|complete)$' }, output: 'shadow' | 'live' | 'complete' | number }]
}

export type GatewayConfig = FromSchema<typeof routesSchema, DerivationOptions>

export type UpstreamConfig = GatewayConfig['upstreams']['legacy']
export type UpstreamTimeouts = UpstreamConfig['timeouts']
export type SessionConfig = GatewayConfig['session']
/** The legacy app's Flask-Session store, read by stateful shadows (docs/stateful-shadow.md). */
export type SessionStoreConfig = SessionConfig['store']
export type LimitsConfig = GatewayConfig['limits']
export type ShadowBudgetConfig = GatewayConfig['shadow']
export type DiffStoreConfig = GatewayConfig['diffStore']
export type FeatureConfig = GatewayConfig['features'][string]
export type ShadowFeatureConfig = FeatureConfig['shadow']
export type CompareConfig = FeatureConfig['compare']
export type CompareMode = CompareConfig['mode']
/** Progressive delivery plan (gateway/control-plane/rollout); absent: flags move by hand only. */
export type RolloutConfig = NonNullable<FeatureConfig['rollout']>
/**
 * `shadow`: flag off, judged on shadow pairs; N: flag on, canary N%; `live`: new serves everyone,
 * judged on legacy's sampled copies; `complete`: no more copies, only an operator moves there.
 */
export type RolloutStep = RolloutConfig['steps'][number]
export type RouteConfig = GatewayConfig['routes'][number]
/** Rollback alerts (gateway/control-plane/alerts, docs/alerts.md). */
export type AlertsConfig = GatewayConfig['alerts']
export type AlertSinkConfig = AlertsConfig['sinks'][string]
