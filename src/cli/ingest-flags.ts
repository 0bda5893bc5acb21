import type { Argv } from 'yargs';
import { FEED_FORMATS } from '../domain/ingest/ingest-settings';
import { reportFlags } from './report-flags';

/** `hexstream ingest <email>`: where the feed is, its shape, where it goes, and how hard to try. */
export function ingestFlags<T>(y: Argv<T>): Argv<T> {
  return ingestServiceFlags(ingestFeedFlags(y))
    .option('progress-interval', {
      type: 'string',
      describe: 'log a progress line every … of processing time (default 5s)',
    })
    .option('log-level', { type: 'string', describe: 'debug | info | warn | error | silent (default info)' })
    .option('log-format', {
      type: 'string',
      describe:
        'pretty (level, local time, message, key=value) | json (default: pretty when stderr is a terminal, else json)',
    })
    .option('verbose', { type: 'boolean', describe: 'debug logs and stack traces' });
}

function ingestFeedFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .positional('email', { type: 'string', describe: 'operator address: gets the run report and failure alerts' })
    .option('from', {
      type: 'string',
      describe: 'the feed: http(s)://… polled every --every, or ws(s)://… streamed; required',
    })
    .option('format', {
      type: 'string',
      describe: `the payloads' shape: ${FEED_FORMATS.join(' | ')}; required`,
    })
    .option('every', { type: 'string', describe: 'HTTP: start a poll every … (default 10s); polls never overlap' })
    .option('timeout', {
      type: 'string',
      describe: 'HTTP: bound on one request, from connecting to the last byte (default 5s)',
    })
    .option('subscribe', {
      type: 'string',
      describe:
        'WebSocket: a text sent on every (re)connect, e.g. {"type":"subscribe","symbol":"AAPL"}; repeat it for more',
    })
    .option('silence', {
      type: 'string',
      describe: 'WebSocket: no message (nor ping) for this long and the connection is made again (default 30s)',
    })
    .option('max-payload-bytes', {
      type: 'string',
      describe: 'a larger HTTP body or WebSocket message is a too-large dead letter (default 4194304)',
    })
    .option('token-env', {
      type: 'string',
      describe: "the environment variable holding the service's token (never shown: masked in every output)",
    })
    .option('token-in', {
      type: 'string',
      describe: 'with --token-env: query:NAME (a URL parameter) or header:NAME (default query:token)',
    });
}

function ingestServiceFlags<T>(y: Argv<T>): Argv<T> {
  return reportFlags(y)
    .option('to', {
      type: 'string',
      nargs: 1,
      describe: 'kafka (the default), or a FILE: messages as JSON Lines, dead letters in FILE.dead-letter.jsonl',
    })
    .option('topic', {
      type: 'string',
      describe:
        'with --to kafka: the topic (default quotes; trades for finnhub-trades); dead letters to <topic>.dead-letter',
    })
    .option('brokers', { type: 'string', describe: 'Kafka bootstrap servers host:port,… (default 127.0.0.1:9092)' })
    .option('partitions', {
      type: 'string',
      describe: 'with --to kafka: partitions of the topic if it must be created (default 3)',
    })
    .option('http', {
      type: 'string',
      describe:
        'serve /metrics, /health/live and /health/ready on HOST:PORT or PORT (default 127.0.0.1:7071, else the next free port up to 7087); off: no endpoint',
    })
    .option('http-token', {
      type: 'string',
      describe: 'require Authorization: Bearer TOKEN on the endpoint (the health checks excepted)',
    })
    .option('http-linger', {
      type: 'string',
      describe:
        'after the run ends, keep serving the endpoint (its final figures) for DURATION, or until SIGINT/SIGTERM (default: close at once)',
    });
}
