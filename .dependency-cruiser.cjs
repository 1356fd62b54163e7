/**
 * The import rules `npm run lint` and test/architecture/imports.test.ts enforce (docs/architecture.md):
 * no import circles, type-only imports included; inside the gateway, imports run one way, from
 * tooling down to core; no package reaches into another's files; the product never imports the
 * repository's development tools.
 */
const PACKAGES = ['gateway', 'legacy-adapter/session', 'legacy-adapter/stand-in', 'new-services']
const PLANES = ['tooling', 'runtime', 'control-plane', 'data-plane', 'analysis', 'core']

/** A plane may import its own folder and the planes below it, never one above. */
const planeRules = PLANES.slice(1).map((plane, i) => ({
  name: `plane-order-${plane}`,
  comment: `gateway/${plane} is below ${PLANES.slice(0, i + 1).join(', ')}: it must not import them`,
  severity: 'error',
  from: { path: `^gateway/${plane}/` },
  to: { path: `^gateway/(${PLANES.slice(0, i + 1).join('|')})/` }
}))

/** The files a package exports (package.json `exports`, source condition): the only ones others may reach. */
function entryPoints (pkg) {
  const { exports } = require(`./${pkg}/package.json`)
  return Object.values(exports).map((entry) => `${pkg}/${entry['strangler-gateway-source'].replace(/^\.\//, '')}`)
}
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A package's files reach another package only through its name, at the entry points it exports. */
const packageRules = PACKAGES.map((pkg) => ({
  name: `no-reaching-into-${pkg.replace('/', '-')}`,
  comment: `${pkg} is a workspace package: import it by its name, which resolves to the entry points it exports`,
  severity: 'error',
  from: { path: '^(gateway|legacy-adapter/session|legacy-adapter/stand-in|new-services)/', pathNot: `^${pkg}/` },
  to: { path: `^${pkg}/`, pathNot: `^(${entryPoints(pkg).map(escape).join('|')})$` }
}))

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import circle: a type two files share lives in the lower one (or a file of its own).',
      severity: 'error',
      from: {},
      to: { circular: true }
    },
    ...planeRules,
    ...packageRules,
    {
      name: 'no-dev-tools-in-the-product',
      comment: 'The gateway ships without load generators, browsers, LLM clients or the fake legacy app; only gateway/tooling may load them, lazily.',
      severity: 'error',
      from: { path: '^gateway/(core|analysis|data-plane|control-plane|runtime)/|^gateway/index\\.ts$|^legacy-adapter/session/' },
      to: { path: 'node_modules/(autocannon|playwright-core|@google/genai|tsx|tap)/|^legacy-adapter/stand-in/|^new-services/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)dist/|(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      conditionNames: ['strangler-gateway-source', 'import', 'types', 'default'],
      exportsFields: ['exports']
    }
  }
}
