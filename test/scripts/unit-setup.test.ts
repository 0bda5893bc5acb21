import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');

/** The unit tier's setup (test/unit-setup.ts), seen from a jest run of a fixture behind it. */
describe('unit tier setup', () => {
  it('fails a test that reaches a service at once, with the reason, and lets a test use a server of its own', () => {
    const config = {
      rootDir: ROOT,
      testEnvironment: 'node',
      testMatch: [join(ROOT, 'test', 'scripts', 'fixtures', 'reaches-a-service.fixture.ts')],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
      setupFilesAfterEnv: ['<rootDir>/test/unit-setup.ts'],
    };
    const run = spawnSync(
      process.execPath,
      [require.resolve('jest/bin/jest'), '--config', JSON.stringify(config), '--runInBand', '--no-watchman'],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'unit tests reach no service, refused to connect to 127.0.0.1:3306: a test that needs Kafka, MariaDB or PostgreSQL belongs to the integration tier (docs/testing.md)',
    );
    expect(run.stderr).toContain('unit tests reach no service: this test tried 127.0.0.1:3306 (docs/testing.md)');
    expect(run.stderr).toMatch(/Tests: +1 failed, 1 passed, 2 total/);
  });
});
