import { parseCommandLine } from '../../src/cli/command-line';
import { openEndpointWarning } from '../../src/cli/run-endpoint';

function argv(args: string[], env: NodeJS.ProcessEnv = {}): Record<string, unknown> {
  const parsed = parseCommandLine(args, env);
  if (parsed.kind !== 'run') throw new Error(`not a run: ${parsed.kind}`);
  return parsed.argv;
}

describe('--http and --http-token on the command line', () => {
  it('takes --http alone before the e-mail address as the flag without a value', () => {
    const a = argv(['test', '--http', 'ops@example.com']);
    expect([a['http'], a['email']]).toEqual(['', 'ops@example.com']);
    const b = argv(['test', 'ops@example.com', '--http']);
    expect([b['http'], b['email']]).toEqual(['', 'ops@example.com']);
    const c = argv(['prod', 'ops@example.com', '--http', '127.0.0.1:9000']);
    expect(c['http']).toBe('127.0.0.1:9000');
  });

  it('reads both from the environment, the flags winning', () => {
    const env = { HEXSTREAM_HTTP: 'off', HEXSTREAM_HTTP_TOKEN: 'from-env' };
    const a = argv(['batch', 'ops@example.com', '--input', 'x.jsonl'], env);
    expect([a['http'], a['httpToken']]).toEqual(['off', 'from-env']);
    const b = argv(['batch', 'ops@example.com', '--input', 'x.jsonl', '--http', '9000'], env);
    expect(b['http']).toBe('9000');
  });

  it('belongs to test, prod, batch and ingest only', () => {
    expect(() => argv(['produce', '--to', '-', '--http', '9000'])).toThrow(
      '--http is a flag of test, prod, batch and ingest, not of produce',
    );
  });
});

describe('the warning of an open endpoint', () => {
  it('is said for a host beyond this machine without a token, and only then', () => {
    expect(openEndpointWarning({ host: '0.0.0.0' })).toBe(
      'warning: the endpoint on 0.0.0.0 is open to anyone who can reach it: give --http-token to require a token',
    );
    expect(openEndpointWarning({ host: '0.0.0.0', token: 'tok' })).toBeUndefined();
    expect(openEndpointWarning({ host: '127.0.0.1' })).toBeUndefined();
    expect(openEndpointWarning({ host: '::1' })).toBeUndefined();
  });
});
