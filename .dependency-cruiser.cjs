/**
 * The layer rules of the hexagon, checked by `npm run lint:deps`.
 *
 *   cli ──▶ composition ──▶ adapters ──▶ ports ──▶ domain
 *    │           │              │          ▲  (types)  │
 *    └───────────┴──────────────┴──────────┴───────────┘  every layer may use the domain
 *
 * An adapter folder uses no other adapter folder except the shared ones: `sql` (MySQL and
 * PostgreSQL), `system` (clock, deadline, host lookup) and `encoding` (UTF-8, row JSON, RFC 5322).
 * Rule names are what `npm run lint:deps` prints and what test/architecture asserts on.
 */

const SHARED_ADAPTERS = '^src/adapters/(sql|system|encoding)/';

const EXCEPTIONS = require('./.dependency-cruiser-exceptions.cjs');

/**
 * `rule` as given, except for the files with listed exceptions; for those, a rule of the same name
 * that forbids the same targets except the listed ones. A group in an exception's `from` stands
 * for the rule's own group (`$1`).
 */
function withExceptions(rule) {
  const own = EXCEPTIONS.filter((e) => e.rule === rule.name);
  const pathNot = [].concat(
    rule.from.pathNot ?? [],
    own.map((e) => e.from),
  );
  return [
    { ...rule, from: { ...rule.from, pathNot } },
    ...own.map((e) => ({
      ...rule,
      comment: `Temporary exception, until ${e.reason}: this file keeps only the imports listed in .dependency-cruiser-exceptions.cjs.`,
      from: { path: e.from },
      to: { ...rule.to, pathNot: [].concat(rule.to.pathNot ?? [], e.to) },
    })),
  ];
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-only-domain',
      comment: 'The domain imports only the domain, and ports as types (the use case talks to ports).',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/', pathNot: ['^src/domain/', '^src/ports/'] },
    },
    {
      name: 'domain-ports-as-types',
      comment: 'A port is an interface to the domain: it is imported with `import type`, never at run time.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/ports/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'domain-no-packages',
      comment: 'The domain is plain TypeScript: no driver, framework or other npm package.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: {
        dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-bundled', 'npm-no-pkg', 'npm-unknown'],
      },
    },
    {
      name: 'domain-no-node-modules',
      comment:
        'The domain does no I/O: no Node built-in module (fs, net, http, child_process, …); it gets them through ports.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'ports-only-domain',
      comment: 'Ports are interfaces and tokens over domain types.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/', pathNot: ['^src/ports/', '^src/domain/'] },
    },
    {
      name: 'ports-domain-as-types',
      comment: 'A port speaks in domain types (`import type`); behaviour stays in the domain.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^src/domain/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'ports-no-packages',
      comment: 'A port names no driver or Node module; inversify only for the type of its token.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { dependencyTypesNot: ['local'], pathNot: '^node_modules/inversify/' },
    },
    {
      name: 'ports-inversify-as-type',
      comment: 'A port uses inversify for the type of its token only.',
      severity: 'error',
      from: { path: '^src/ports/' },
      to: { path: '^node_modules/inversify/', dependencyTypesNot: ['type-only'] },
    },
    ...withExceptions({
      name: 'adapter-not-to-other-adapter',
      comment: 'An adapter folder uses no other adapter folder, except the shared sql, system and encoding.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/', pathNot: ['^src/adapters/platformatic-kafka/'] },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/$1/', SHARED_ADAPTERS] },
    }),
    {
      name: 'adapter-not-to-other-adapter',
      comment:
        "The second Kafka client's adapters share the kafka folder's client-neutral parts (group membership, record queue, checkpoint format), and no other adapter folder.",
      severity: 'error',
      from: { path: '^src/adapters/platformatic-kafka/' },
      to: { path: '^src/adapters/', pathNot: ['^src/adapters/(platformatic-kafka|kafka)/', SHARED_ADAPTERS] },
    },
    {
      name: 'adapter-not-to-outer-layers',
      comment: 'Adapters are chosen by the composition; they know neither it nor the CLI.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: ['^src/composition/', '^src/cli/', '^src/main[.]ts$'] },
    },
    ...withExceptions({
      name: 'cli-not-to-adapters',
      comment: 'The CLI gets adapters from the composition, never builds or imports them.',
      severity: 'error',
      from: { path: '^src/cli/' },
      to: { path: '^src/adapters/' },
    }),
    {
      name: 'composition-not-to-cli',
      comment: 'The composition builds the container; the CLI drives it, not the other way round.',
      severity: 'error',
      from: { path: '^src/composition/' },
      to: { path: ['^src/cli/', '^src/main[.]ts$'] },
    },
    {
      name: 'not-to-main',
      comment: 'src/main.ts is the entry point: nothing imports it.',
      severity: 'error',
      from: {},
      to: { path: '^src/main[.]ts$' },
    },
    {
      name: 'src-not-to-tests',
      comment: 'Production code does not import tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'src-not-to-dev-deps',
      comment: 'A dev dependency is missing in production: src may use one for types only.',
      severity: 'error',
      from: { path: '^src/' },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'], pathNot: '^node_modules/@types/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle of run-time imports makes load order matter; type-only imports cannot form one.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to no file is a typo or a missing package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: '^node_modules/' },
    exclude: { path: '^(dist|out|coverage|[.]cache)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
