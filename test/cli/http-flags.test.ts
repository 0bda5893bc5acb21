import { parseCommandLine } from '../../src/cli/command-line';

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

  it('belongs to test, prod and batch only', () => {
    expect(() => argv(['produce', '--to', '-', '--http', '9000'])).toThrow(
      '--http is a flag of test, prod and batch, not of produce',
    );
  });
});
