import { parseCommandLine } from '../../src/cli/command-line';
import { UsageError } from '../../src/cli/usage-error';

function usageError(args: readonly string[]): string {
  try {
    parseCommandLine(args, {});
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

describe('hexstream ingest on the command line', () => {
  it('keeps every --subscribe, in order, wherever they stand', () => {
    const parsed = parseCommandLine(
      [
        'ingest',
        '--subscribe',
        '{"type":"subscribe","symbol":"AAPL"}',
        'ops@example.com',
        '--from',
        'wss://ws.finnhub.io',
        '--subscribe={"type":"subscribe","symbol":"MSFT"}',
        '--format',
        'finnhub-trades',
      ],
      {},
    );
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.argv['email']).toBe('ops@example.com');
    expect(parsed.argv['subscribe']).toEqual([
      '{"type":"subscribe","symbol":"AAPL"}',
      '{"type":"subscribe","symbol":"MSFT"}',
    ]);
  });

  it('takes one subscription from HEXSTREAM_SUBSCRIBE when no flag gives any', () => {
    const parsed = parseCommandLine(['ingest', 'ops@example.com', '--from', 'ws://h/', '--format', 'json'], {
      HEXSTREAM_SUBSCRIBE: 'hello',
    });
    expect(parsed.kind === 'run' ? parsed.argv['subscribe'] : undefined).toBe('hello');
  });

  it('asks for --from and --format, and for the operator address', () => {
    expect(usageError(['ingest', 'ops@example.com'])).toBe(
      'ingest: --from and --format are required (hexstream ingest --help)',
    );
    expect(usageError(['ingest', '--from', 'http://h/', '--format', 'json'])).toMatch(/^ingest: <email> is missing/);
    expect(usageError(['ingest', 'ops@example.com', '--from', 'http://h/', '--format', 'json', '--job', 'x'])).toBe(
      '--job is a flag of test, prod, batch, produce and replay, not of ingest',
    );
  });
});
