import { resolve } from 'node:path';
import { ingestSecrets, resolveIngestConfig, type IngestFlags } from '../../src/composition/ingest-config';
import { HexstreamError } from '../../src/domain/hexstream-error';

function refused(flags: IngestFlags, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolveIngestConfig(flags, env);
  } catch (e) {
    if (e instanceof HexstreamError && e.code === 'CONFIG_INVALID') return e.message;
    throw e;
  }
  throw new Error('accepted');
}

const QUOTES: IngestFlags = {
  email: 'ops@example.com',
  from: 'https://q.example/batch?symbols=AAPL',
  format: 'iex-batch',
};

describe('resolveIngestConfig', () => {
  it('polls every 10 s into topic quotes on the local broker by default', () => {
    const c = resolveIngestConfig(QUOTES, {});
    expect(c).toMatchObject({
      feed: 'http',
      format: 'iex-batch',
      everyMs: 10_000,
      timeoutMs: 5_000,
      silenceMs: 30_000,
      maxPayloadBytes: 4_194_304,
      progressIntervalMs: 5_000,
      subscribe: [],
      token: undefined,
      logLevel: 'info',
      to: {
        kind: 'kafka',
        brokers: ['127.0.0.1:9092'],
        topic: 'quotes',
        deadLetterTopic: 'quotes.dead-letter',
        partitions: 3,
      },
    });
  });

  it('sends trades to topic trades and takes the subscriptions of a WebSocket feed in order', () => {
    const c = resolveIngestConfig(
      {
        email: 'ops@example.com',
        from: 'wss://ws.finnhub.io',
        format: 'finnhub-trades',
        subscribe: ['{"type":"subscribe","symbol":"AAPL"}', '{"type":"subscribe","symbol":"MSFT"}'],
        silence: '5s',
      },
      {},
    );
    expect(c.feed).toBe('ws');
    expect(c.silenceMs).toBe(5_000);
    expect(c.subscribe).toEqual(['{"type":"subscribe","symbol":"AAPL"}', '{"type":"subscribe","symbol":"MSFT"}']);
    expect(c.to).toMatchObject({ kind: 'kafka', topic: 'trades', deadLetterTopic: 'trades.dead-letter' });
  });

  it('writes to a file and its .dead-letter.jsonl beside it with --to FILE', () => {
    expect(resolveIngestConfig({ ...QUOTES, to: 'out/quotes.jsonl' }, {}).to).toEqual({
      kind: 'file',
      path: resolve('out/quotes.jsonl'),
      deadLetterPath: resolve('out/quotes.dead-letter.jsonl'),
    });
    expect(refused({ ...QUOTES, to: 'q.jsonl', topic: 'x' })).toBe('--topic: only with --to kafka');
  });

  it('reads the token from the variable --token-env names, placed as --token-in says, and masks it', () => {
    const env = { QUOTES_KEY: 'sk-live-123456' };
    const c = resolveIngestConfig({ ...QUOTES, tokenEnv: 'QUOTES_KEY', tokenIn: 'header:X-Api-Key' }, env);
    expect(c.token).toEqual({ in: 'header', name: 'X-Api-Key', value: 'sk-live-123456' });
    expect(ingestSecrets(c)).toEqual(['sk-live-123456']);
    expect(resolveIngestConfig({ ...QUOTES, tokenEnv: 'QUOTES_KEY' }, env).token).toEqual({
      in: 'query',
      name: 'token',
      value: 'sk-live-123456',
    });
  });

  it('refuses a missing token variable without echoing anything of a token', () => {
    expect(refused({ ...QUOTES, tokenEnv: 'NOPE' })).toBe(
      '--token-env: the variable NOPE is not set (or empty): export it with the token',
    );
    expect(refused({ ...QUOTES, tokenEnv: 'A', tokenIn: 'cookie:x' }, { A: 'abcdef' })).toMatch(
      /^--token-in: expected query:NAME or header:NAME/,
    );
    expect(refused({ ...QUOTES, tokenIn: 'query:k' })).toBe('--token-in: only with --token-env');
  });

  it('refuses what it cannot use, naming the flag', () => {
    expect(refused({ ...QUOTES, from: 'ftp://x/y' })).toBe(
      '--from: expected http://, https://, ws:// or wss://, got ftp://…',
    );
    expect(refused({ ...QUOTES, from: 'quotes' })).toBe('--from: not a URL: "quotes" (http(s)://… or ws(s)://…)');
    expect(refused({ ...QUOTES, format: 'csv' })).toBe(
      '--format: must be iex-batch, finnhub-trades, json, jsonl, got "csv"',
    );
    expect(refused({ ...QUOTES, subscribe: 'x' })).toBe(
      '--subscribe: only with a WebSocket feed (--from ws://… or wss://…)',
    );
    expect(refused({ ...QUOTES, every: '0' })).toBe('--every: must be longer than 0');
    expect(refused({ ...QUOTES, brokers: 'kafka' })).toMatch(/^--brokers: expected host:port/);
    expect(refused({ ...QUOTES, topic: 'a b' })).toBe('--topic: not a valid Kafka topic name: "a b"');
    expect(refused({ ...QUOTES, email: 'ops' })).toBe('<email>: not a valid e-mail address: "ops"');
  });
});
