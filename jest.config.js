const { readdirSync, readFileSync } = require('node:fs');
const { join, relative } = require('node:path');

/**
 * The test tiers (docs/testing.md). A test file's tier follows from its path, first rule first:
 *
 *   test/soak/…                    soak         long runs through the built CLI, Kafka, a MariaDB of their own
 *   …/*.e2e.test.ts                e2e          spawns the built CLI (dist/)
 *   …/*.int.test.ts                integration  Kafka, MariaDB or PostgreSQL
 *   test/adapters/{kafka,          integration  when it imports a test helper that reaches a service
 *     platformatic-kafka,mysql,    (else unit)  (the tests of these adapters' pure parts need none)
 *     postgres,sql}/…
 *   anything else                  unit         no service, no dist/: domain, ports, file and memory adapters
 */
const SERVICE_ADAPTERS = /^test\/adapters\/(kafka|platformatic-kafka|mysql|postgres|sql)\//;
const SERVICE_HELPER_IMPORT =
  /^import (?!type )[^;]*? from '(\.\.\/)+support\/(kafka-topics|kafka-read|kafka-broker|mariadb|own-mariadb|postgres)';$/m;

/** @param {string} file a test file, relative to the repository, with `/` */
function tierOf(file) {
  if (file.startsWith('test/soak/')) return 'soak';
  if (file.endsWith('.e2e.test.ts')) return 'e2e';
  if (file.endsWith('.int.test.ts')) return 'integration';
  if (SERVICE_ADAPTERS.test(file) && SERVICE_HELPER_IMPORT.test(readFileSync(join(__dirname, file), 'utf8')))
    return 'integration';
  return 'unit';
}

/** @param {string} dir @returns {string[]} */
function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const byTier = { unit: [], integration: [], e2e: [], soak: [] };
for (const path of testFiles(join(__dirname, 'test'))) {
  byTier[tierOf(relative(__dirname, path).split('\\').join('/'))].push(path);
}

/** @returns {import('jest').Config} */
function project(tier, setup) {
  return {
    displayName: tier,
    testEnvironment: 'node',
    roots: ['<rootDir>/test'],
    testMatch: byTier[tier],
    // tsconfig.json has isolatedModules: ts-jest only transpiles; `npm run typecheck` checks the types.
    transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
    // An ES module: loaded by Node itself (see the file).
    moduleNameMapper: { '^@platformatic/kafka$': '<rootDir>/test/support/platformatic-kafka.cjs' },
    ...setup,
  };
}

/**
 * Integration, e2e and soak share one global setup (jest runs a setup file once per run, however many
 * projects name it): one Kafka broker, and MariaDB and PostgreSQL checked. Unit starts nothing, and
 * its tests may connect only to servers they started themselves.
 */
const services = {
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    project('unit', { setupFilesAfterEnv: ['<rootDir>/test/unit-setup.ts'] }),
    project('integration', services),
    project('e2e', services),
    project('soak', services),
  ],
};
