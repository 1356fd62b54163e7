/**
 * Known differences declared in routes.yaml (`features.<f>.compare.known`): deliberate ones, such
 * as `/api/models`, whose list the legacy app reads from the model API while new serves a fixed
 * one. Each (path, kind) becomes one entry, with an id made from its signature, so it is the same
 * on every replica and after every reload. They sit beside the accepted ones in every listing and
 * match the same way; they change only with routes.yaml.
 */
import { createHash } from 'node:crypto'
import type { GatewayConfig } from '../../core/config/gateway-config.js'
import { matchIn, type KnownDifference, type KnownDifferences } from './known-difference.js'

function signatureId (feature: string, route: string, path: string, kind: string): string {
  return createHash('sha256').update(JSON.stringify([feature, route, path, kind])).digest('hex').slice(0, 12)
}

export function declaredKnownDifferences (features: GatewayConfig['features']): KnownDifference[] {
  const entries: KnownDifference[] = []
  for (const [feature, { compare }] of Object.entries(features)) {
    for (const { route, path, kinds, reason } of compare.known) {
      for (const kind of kinds) {
        entries.push({ id: signatureId(feature, route, path, kind), feature, route, path, kind, reason, acceptedAt: null, expiresAt: null, acceptedBy: null, source: 'routes.yaml' })
      }
    }
  }
  return entries
}

/**
 * The accepted store with the running routes.yaml's declarations in front. `features` is read on
 * every call (a reload swaps it); its entries are rebuilt only when it changed.
 */
export function withDeclared (store: KnownDifferences, features: () => GatewayConfig['features']): KnownDifferences {
  let seen: GatewayConfig['features'] | undefined
  let declared: KnownDifference[] = []
  const current = (): KnownDifference[] => {
    const now = features()
    if (now !== seen) {
      seen = now
      declared = declaredKnownDifferences(now)
    }
    return declared
  }
  return {
    list: () => [...current(), ...store.list()],
    add: async (entry) => await store.add(entry),
    remove: async (id) => await store.remove(id),
    match: (feature, route, difference, now = Date.now()) => matchIn(current(), feature, route, difference, now) ?? store.match(feature, route, difference, now),
    close: async () => { await store.close() }
  }
}
