import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const CI_RUN = resolve(__dirname, '..', '..', '.ci', 'run');

/**
 * `.ci/run` in a copy of its own: <tmp>/repo/.ci/run, with a stand-in `npm` on the PATH that only
 * records its arguments, and a stand-in `scripts/chromium.sh` that records that it ran, so what the
 * script would run, in order, is seen without installing or testing.
 */
function ciRun(
  setUp: (root: string) => void,
  env: Record<string, string> = {},
): { code: number | null; stderr: string; npm: string[] } {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'hexstream-ci-')));
  try {
    mkdirSync(join(root, 'repo', '.ci'), { recursive: true });
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'repo', 'scripts'));
    writeFileSync(join(root, 'repo', 'scripts', 'chromium.sh'), `echo chromium.sh >>"${join(root, 'npm.log')}"\n`);
    copyFileSync(CI_RUN, join(root, 'repo', '.ci', 'run'));
    writeFileSync(join(root, 'bin', 'npm'), `#!/bin/sh\necho "$*" >>"${join(root, 'npm.log')}"\n`);
    chmodSync(join(root, 'bin', 'npm'), 0o755);
    writeFileSync(join(root, 'npm.log'), '');
    setUp(root);
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'HEXSTREAM_CONFORMANCE'));
    const r = spawnSync('bash', [join(root, 'repo', '.ci', 'run')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...base, PATH: `${join(root, 'bin')}:${process.env['PATH'] ?? ''}`, ...env },
    });
    const npm = readFileSync(join(root, 'npm.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    return {
      code: r.status,
      stderr: r.stderr.split(root).join('<tmp>'),
      npm: npm.map((l) => l.split(root).join('<tmp>')),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('.ci/run: where the conformance data comes from', () => {
  it('takes ../shared/conformance next to the repository', () => {
    const r = ciRun((root) => mkdirSync(join(root, 'shared', 'conformance'), { recursive: true }));
    expect(r).toEqual({
      code: 0,
      stderr: '',
      npm: ['chromium.sh', 'ci', 'test', 'run test:unit:node24', 'run conformance -- <tmp>/shared/conformance'],
    });
  });

  it('takes HEXSTREAM_CONFORMANCE first, relative to the current directory', () => {
    const r = ciRun(
      (root) => {
        mkdirSync(join(root, 'shared', 'conformance'), { recursive: true });
        mkdirSync(join(root, 'mine'));
      },
      { HEXSTREAM_CONFORMANCE: 'mine' },
    );
    expect(r).toEqual({
      code: 0,
      stderr: '',
      npm: ['chromium.sh', 'ci', 'test', 'run test:unit:node24', 'run conformance -- <tmp>/mine'],
    });
  });

  it('fails at once with the message, before installing or testing, when neither is there (no folder of one machine instead)', () => {
    const r = ciRun(() => undefined);
    expect(r).toEqual({
      code: 1,
      stderr:
        'conformance data not found at <tmp>/repo/../shared/conformance: set HEXSTREAM_CONFORMANCE to the folder holding stock-averages/ and top-averages/\n',
      npm: [],
    });
  });

  it('fails the same way when HEXSTREAM_CONFORMANCE names a missing folder', () => {
    const r = ciRun((root) => mkdirSync(join(root, 'shared', 'conformance'), { recursive: true }), {
      HEXSTREAM_CONFORMANCE: '/nonexistent/conformance',
    });
    expect(r).toEqual({
      code: 1,
      stderr:
        'conformance data not found at /nonexistent/conformance: set HEXSTREAM_CONFORMANCE to the folder holding stock-averages/ and top-averages/\n',
      npm: [],
    });
  });
});
