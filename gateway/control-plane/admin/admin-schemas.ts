/**
 * The admin API's route schemas: Fastify validates params, querystrings and bodies with them
 * before a handler runs (a 400 in the gateway's error shape, GW_ERR_ADMIN_BAD_REQUEST, that
 * names the field), and the handlers' request types derive from them (AdminTypeProvider).
 * Response schemas list each answer's top-level fields for readers and tools; they keep
 * `additionalProperties`, so nothing an answer carries is ever dropped on the way out, and the
 * answers keep the types their builders give them.
 */
import type { FastifyTypeProvider } from 'fastify'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import { MAX_LIST_LIMIT } from '../../analysis/diff-store/diff-store-types.js'
import { DEFAULT_AUDIT_MAX_ENTRIES } from '../audit/audit-log.js'
import { DIFFERENCE_KINDS } from '../../core/config/schema.js'

/** Params, querystring and body typed from the route's schema; answers typed by their handlers. */
export interface AdminTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown
  serializer: unknown
}

export const featureParams = {
  type: 'object',
  properties: { feature: { type: 'string', minLength: 1 } },
  required: ['feature']
} as const

/** The gateway's error shape, for every 4xx/5xx an admin route answers. */
const errorShape = {
  type: 'object',
  properties: { statusCode: { type: 'integer' }, code: { type: 'string' }, error: { type: 'string' }, message: { type: 'string' } },
  required: ['statusCode', 'code', 'message'],
  additionalProperties: true
} as const

/** An answer: these top-level fields at least, everything else kept. */
function answer<const P extends Record<string, unknown>> (properties: P) {
  return {
    200: { type: 'object', properties, additionalProperties: true },
    '4xx': errorShape,
    '5xx': errorShape
  } as const
}

const anything = {}
const strings = { type: 'array', items: { type: 'string' } } as const

export const flagsSchema = {
  response: answer({
    configVersion: { type: 'integer' },
    configLoadedAt: { type: 'string' },
    features: { type: 'object', additionalProperties: true },
    routes: { type: 'array', items: { type: 'object', additionalProperties: true } }
  })
} as const

/** One feature's flags (flag-view.ts). */
const featureView = {
  type: 'object',
  properties: {
    enabled: { type: 'boolean' },
    canary: { type: 'number' },
    source: anything,
    stage: { type: 'string' },
    shadowSample: { type: 'number' },
    routes: strings
  },
  additionalProperties: true
} as const

export const featureFlagSchema = {
  params: featureParams,
  response: answer(featureView.properties)
} as const

export const putFlagSchema = {
  params: featureParams,
  body: {
    type: 'object',
    description: 'Merged into the feature\'s override; a field set to null drops it.',
    properties: {
      enabled: { type: ['boolean', 'null'] },
      canary: { type: ['number', 'null'], minimum: 0, maximum: 100 },
      /** Past the canary, with the flag on at 100 %: `live` (legacy gets sampled copies) or `complete`. */
      stage: { enum: ['live', 'complete', null] }
    },
    additionalProperties: false,
    minProperties: 1
  },
  response: answer({ feature: { type: 'string' }, before: featureView, after: featureView, warnings: strings })
} as const

export const clearFlagSchema = {
  params: featureParams,
  response: answer({ feature: { type: 'string' }, before: featureView, after: featureView, warnings: strings })
} as const

const rollbackAnswer = answer({
  rolledBack: strings,
  failed: { type: 'array', items: { type: 'object', additionalProperties: true } },
  before: { type: 'object', additionalProperties: true },
  after: { type: 'object', additionalProperties: true },
  warnings: strings
})
/** Optional: a POST without a body is `{}` (rollback-routes.ts). */
const rollbackBody = {
  type: 'object',
  properties: {
    /** Why, in the operator's words: in the audit entry and the rollback alert. */
    reason: { type: 'string', minLength: 1, maxLength: 500 }
  },
  additionalProperties: false
} as const
export const rollbackAllSchema = { body: rollbackBody, response: rollbackAnswer } as const
export const rollbackFeatureSchema = { params: featureParams, body: rollbackBody, response: rollbackAnswer } as const

export const reloadSchema = {
  response: {
    ...answer({ ok: { type: 'boolean' }, version: { type: 'integer' }, warnings: strings }),
    422: { ...errorShape, properties: { ...errorShape.properties, version: { type: 'integer' }, problems: { type: 'array' } } }
  }
} as const

export const auditSchema = {
  querystring: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: DEFAULT_AUDIT_MAX_ENTRIES, default: 100 },
      feature: { type: 'string' }
    },
    additionalProperties: false
  },
  response: answer({ entries: { type: 'array', items: { type: 'object', additionalProperties: true } } })
} as const

export const VERDICTS = ['equal', 'different', 'too_large', 'error'] as const

export const diffsSchema = {
  querystring: {
    type: 'object',
    properties: {
      feature: { type: 'string' },
      route: { type: 'string' },
      kind: { type: 'string', enum: DIFFERENCE_KINDS },
      verdict: { type: 'string', enum: VERDICTS },
      limit: { type: 'integer', minimum: 0, maximum: MAX_LIST_LIMIT },
      offset: { type: 'integer', minimum: 0 }
    },
    additionalProperties: false
  },
  response: answer({ records: { type: 'array', items: { type: 'object', additionalProperties: true } }, nextOffset: { type: ['integer', 'null'] } })
} as const

export const diffSummarySchema = {
  response: answer({ features: { type: 'object', additionalProperties: true }, store: anything })
} as const

/** `15m`, `2h`; the upper bound is the recorder's retention, checked by the handler. */
const windowQuery = {
  type: 'object',
  properties: { window: { type: 'string', pattern: '^[0-9]{1,4}[mh]$' } },
  additionalProperties: false
} as const

export const reportSchema = {
  params: featureParams,
  querystring: windowQuery,
  response: answer({
    feature: { type: 'string' },
    window: { type: 'string' },
    generatedAt: { type: 'string' },
    phase: anything,
    shadow: anything,
    canary: anything,
    memory: anything,
    diffRate: anything,
    recommendation: anything
  })
} as const

export const migrationSchema = {
  querystring: windowQuery,
  response: answer({ generatedAt: { type: 'string' }, window: { type: 'string' }, features: anything, progress: anything })
} as const

export const dashboardDataSchema = { querystring: windowQuery } as const

export const ROLLOUT_ACTIONS = ['start', 'pause', 'resume', 'abort', 'complete'] as const

export const rolloutsSchema = {
  response: answer({ controller: anything, features: { type: 'object', additionalProperties: true } })
} as const

export const rolloutSchema = {
  params: featureParams,
  response: answer({ controller: anything, feature: { type: 'string' }, status: { type: 'string' }, step: anything, reason: anything })
} as const

export const rolloutActionSchema = {
  params: {
    type: 'object',
    properties: { feature: { type: 'string', minLength: 1 }, action: { type: 'string', enum: ROLLOUT_ACTIONS } },
    required: ['feature', 'action']
  },
  // {"dryRun": true} on start, or no body at all (the route reads that as {}).
  body: {
    type: 'object',
    properties: { dryRun: { type: 'boolean' } },
    additionalProperties: false
  },
  response: answer({ feature: { type: 'string' }, status: { type: 'string' }, step: anything, flags: featureView, warnings: strings })
} as const

export const issuePinSchema = {
  body: {
    type: 'object',
    properties: {
      feature: { type: 'string', minLength: 1 },
      side: { type: 'string', enum: ['new', 'legacy'] },
      /** How long the pin is good for: 30m, 1h (default), 7d at most. */
      ttl: { type: 'string', pattern: '^[0-9]{1,6}[smhd]$' }
    },
    required: ['feature', 'side'],
    additionalProperties: false
  },
  response: {
    ...answer({ token: { type: 'string' }, feature: { type: 'string' }, side: { type: 'string' }, expiresAt: { type: 'string' }, warnings: strings }),
    201: { type: 'object', properties: { token: { type: 'string' }, expiresAt: { type: 'string' } }, additionalProperties: true }
  }
} as const

const knownEntry = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    feature: { type: 'string' },
    route: { type: 'string' },
    path: { type: 'string' },
    kind: { type: 'string' },
    reason: { type: 'string' },
    acceptedAt: { type: ['string', 'null'] },
    expiresAt: { type: ['string', 'null'] },
    source: { enum: ['admin', 'routes.yaml'] }
  },
  additionalProperties: true
} as const

export const knownDiffsSchema = {
  response: answer({ known: { type: 'array', items: knownEntry } })
} as const

export const addKnownDiffSchema = {
  body: {
    type: 'object',
    properties: {
      feature: { type: 'string', minLength: 1 },
      /** The route template, as the diff record names it. */
      route: { type: 'string', minLength: 1 },
      /** The difference's path, or an ignore-path pattern (`items[].id`). */
      path: { type: 'string', minLength: 1 },
      kind: { type: 'string', enum: DIFFERENCE_KINDS },
      reason: { type: 'string', minLength: 3, maxLength: 500 },
      /** How long the acceptance holds (`30d`); absent: until removed. */
      ttl: { type: 'string', pattern: '^[0-9]{1,6}[smhd]$' }
    },
    required: ['feature', 'route', 'path', 'kind', 'reason'],
    additionalProperties: false
  },
  response: { ...answer(knownEntry.properties), 201: knownEntry }
} as const

export const removeKnownDiffSchema = {
  params: { type: 'object', properties: { id: { type: 'string', pattern: '^[0-9a-f]{12}$' } }, required: ['id'] },
  response: answer({ removed: { type: 'string' } })
} as const
