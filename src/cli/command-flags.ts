import type { Argv } from 'yargs';
import { OUTPUT_MODES } from '../domain/engine/output-mode';
import { jobNames } from '../composition/built-in-jobs';
import type { CommandName } from './commands';
import { ingestFlags } from './ingest-flags';
import { prodKafkaFlags } from './prod-kafka-flags';
import { reportFlags } from './report-flags';

function engineFlags<T>(y: Argv<T>, logLevelDefault: string): Argv<T> {
  return (
    y
      .option('job', {
        type: 'string',
        describe: `job to run: ${jobNames().join(', ')}, or a job file (./my-job.ts, .js, .mjs, .cjs, .yaml, .yml, .json); default orders`,
      })
      .option('window', { type: 'string', describe: 'window length, e.g. 1m (job default)' })
      .option('slide', { type: 'string', describe: 'window slide; = window for tumbling (job default)' })
      .option('session-gap', {
        type: 'string',
        describe: 'session windows instead: events of a key closer than this merge (append mode)',
      })
      .option('watermark', { type: 'string', describe: 'allowed lateness behind the max event time (job default)' })
      .option('idle-timeout', {
        type: 'string',
        describe: "advance an idle partition's watermark after this (default 30s; 0: at once; off: never)",
      })
      // No yargs `choices`: the configuration refuses a bad mode in one line, from the flag or its variable.
      .option('output-mode', { type: 'string', describe: `${OUTPUT_MODES.join(' | ')} (job default)` })
      .option('trigger-interval', { type: 'string', describe: 'commit every … of processing time (default 1s)' })
      .option('trigger-records', { type: 'string', describe: 'or after this many records (default 50000)' })
      .option('max-drift', {
        type: 'string',
        describe:
          'hold back a partition whose event time is this far ahead of the slowest one with records waiting (default 1m; 0: never)',
      })
      .option('progress-interval', {
        type: 'string',
        describe: 'log a progress line every … of processing time (default 5s)',
      })
      .option('log-level', {
        type: 'string',
        describe: `debug | info | warn | error | silent (default ${logLevelDefault})`,
      })
      .option('log-format', {
        type: 'string',
        describe:
          'pretty (level, local time, message, key=value) | json (default: pretty when stderr is a terminal, else json)',
      })
      .option('verbose', { type: 'boolean', describe: 'debug logs and stack traces' })
  );
}

/**
 * The HTTP endpoint (/metrics, /health/*, the console, the topic browser): on by default where a run lasts (prod,
 * batch), on request in `test`.
 */
function httpFlags<T>(y: Argv<T>, byDefault: boolean): Argv<T> {
  return y
    .option('http', {
      type: 'string',
      describe: byDefault
        ? 'serve /metrics, /health/live, /health/ready and the console (prod: the topic browser too) on HOST:PORT or PORT (default 127.0.0.1:7071, else the next free port up to 7087); off: no endpoint'
        : 'serve /metrics, /health/live, /health/ready and the console while the run lasts: alone, on 127.0.0.1:7071 (else the next free port up to 7087), or on HOST:PORT or PORT (default off)',
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

/** Crash tests only: named points where the run fails on purpose (src/adapters/failpoints/failpoints.ts). */
const FAILPOINTS_OPTION = { type: 'string', hidden: true, describe: 'name=kill|error[@N];… (tests)' } as const;

function testFlags<T>(y: Argv<T>): Argv<T> {
  return (
    httpFlags(engineFlags(y, 'warn'), false)
      .positional('email', { type: 'string', describe: 'operator address: gets the run report (out/outbox/*.eml)' })
      // nargs 1: a lone `-` (standard input) must stay the flag's value.
      .option('input', {
        type: 'string',
        nargs: 1,
        describe:
          "input FILE or DIR, or - for standard input (default: the job's sample, in samples/ or next to its job file)",
      })
      .option('output', { type: 'string', describe: 'result table as JSON Lines (default out/<job>.jsonl)' })
      .option('dead-letter', {
        type: 'string',
        describe:
          'dead letters as JSON Lines, a new file each run; a non-empty one of an earlier run is kept as <name>.<time last written>.jsonl (default out/<job>.dead-letter.jsonl)',
      })
      .option('outbox', { type: 'string', describe: 'folder for the report e-mail (default out/outbox)' })
      .option('max-record-bytes', { type: 'string', describe: 'longer records are dead letters (default 1048576)' })
      .option('arrival-time', {
        type: 'string',
        describe: 'arrival time of every record (epoch ms or ISO-8601): the time of quotes that carry none',
      })
  );
}

function prodFlags<T>(y: Argv<T>): Argv<T> {
  return httpFlags(prodOutputFlags(prodServiceFlags(engineFlags(y, 'info'))), true);
}

/** Where a prod run reads, writes and reports. */
function prodServiceFlags<T>(y: Argv<T>): Argv<T> {
  return reportFlags(y)
    .positional('email', { type: 'string', describe: 'operator address: gets the run report and failure alerts' })
    .option('brokers', { type: 'string', describe: 'Kafka bootstrap servers host:port,… (default 127.0.0.1:9092)' })
    .option('topic', {
      type: 'string',
      describe: "input topic, which must exist (default: the job's topic, e.g. orders)",
    })
    .option('group', {
      type: 'string',
      describe:
        'consumer group (default hexstream-<job>; with another --topic: hexstream-<job>-<topic>); run more processes with the same group to scale out',
    })
    .option('mysql', {
      type: 'string',
      describe:
        'sink MySQL/MariaDB (the default): mysql://user:pass@host:port/database or mariadb://… (default mysql://root@127.0.0.1:3306/hexstream)',
    })
    .option('postgres', {
      type: 'string',
      describe: 'sink PostgreSQL instead: postgres://user:pass@host:port/database',
    })
    .option('dead-letter-topic', {
      type: 'string',
      describe: 'topic for rejected records (default <topic>.dead-letter)',
    });
}

/** How a prod run ends, what it refuses, its Kafka sink and client, its threads. */
function prodOutputFlags<T>(y: Argv<T>): Argv<T> {
  return prodKafkaFlags(y)
    .option('bounded', {
      type: 'boolean',
      describe: 'read up to the end offsets seen at start, then stop (default off; price-stats: on)',
    })
    .option('at-end', {
      type: 'string',
      describe:
        'with --bounded: flush (write the windows still open; later records for them are late) or keep (commit them for the next run; default)',
    })
    .option('max-outage', {
      type: 'string',
      describe:
        'give up (exit 1, alert) when the database or broker stays unreachable this long mid-stream (default 5m)',
    })
    .option('max-record-bytes', {
      type: 'string',
      describe: 'longer messages are dead letters, not decoded (default 1048576)',
    })
    .option('failpoints', FAILPOINTS_OPTION);
}

function batchFlags<T>(y: Argv<T>): Argv<T> {
  return httpFlags(engineFlags(y, 'warn'), true)
    .positional('email', { type: 'string', describe: 'operator address: gets the run report (out/outbox/*.eml)' })
    .option('input', {
      type: 'string',
      nargs: 1,
      describe: 'input FILE or DIR (each file a partition, by its name); required',
    })
    .option('mysql', {
      type: 'string',
      describe:
        'sink MySQL/MariaDB (the default): mysql://user:pass@host:port/database or mariadb://… (default mysql://root@127.0.0.1:3306/hexstream)',
    })
    .option('postgres', {
      type: 'string',
      describe: 'sink PostgreSQL instead: postgres://user:pass@host:port/database',
    })
    .option('group', {
      type: 'string',
      describe: 'whose stored positions (default hexstream-<job>-batch): runs with one group continue each other',
    })
    .option('dead-letter', {
      type: 'string',
      describe:
        'dead letters as JSON Lines, a new file each run; a non-empty one of an earlier run is kept as <name>.<time last written>.jsonl (default out/<job>.dead-letter.jsonl)',
    })
    .option('outbox', { type: 'string', describe: 'folder for the report e-mail (default out/outbox)' })
    .option('max-record-bytes', { type: 'string', describe: 'longer records are dead letters (default 1048576)' })
    .option('arrival-time', {
      type: 'string',
      describe: 'arrival time of every record (epoch ms or ISO-8601): the time of quotes that carry none',
    })
    .option('failpoints', FAILPOINTS_OPTION);
}

function produceFlags<T>(y: Argv<T>): Argv<T> {
  return (
    y
      .option('job', {
        type: 'string',
        describe: 'job whose records to generate, built in or a job file with a generator (default orders)',
      })
      .option('count', { type: 'string', describe: 'number of records (default 5000; with --rate: until stopped)' })
      .option('seed', { type: 'string', describe: 'random seed; same seed, same output (default 1)' })
      // nargs 1: without it yargs takes a lone `-` for a positional, and `--to -` fails as unknown.
      .option('to', { type: 'string', nargs: 1, describe: 'kafka, an output FILE, or - for stdout; required' })
      .option('brokers', {
        type: 'string',
        describe: 'with --to kafka: bootstrap brokers H:P,… (default 127.0.0.1:9092)',
      })
      .option('topic', { type: 'string', describe: 'with --to kafka: topic (default: the job name)' })
      .option('partitions', {
        type: 'string',
        describe: 'with --to kafka: partitions of the topic if it must be created (default 3)',
      })
      .option('rate', {
        type: 'string',
        describe: 'with --to kafka: records per second of wall-clock time (default: as fast as possible)',
      })
      .option('start', {
        type: 'string',
        describe: 'event time of the first record, ISO-8601 (default 2025-01-01T00:00:00Z; with --rate: now)',
      })
      .option('event-rate', {
        type: 'string',
        describe: 'records per second of event time (default 1000; with --rate: the rate)',
      })
      .option('fault-share', {
        type: 'string',
        describe: 'share of late, duplicate and malformed records (default 0.01)',
      })
  );
}

function replayFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .option('job', { type: 'string', describe: 'job whose input topic gets the letters (default orders)' })
    .option('brokers', { type: 'string', describe: 'Kafka bootstrap servers host:port,… (default 127.0.0.1:9092)' })
    .option('topic', { type: 'string', describe: "input topic to send them to (default: the job's topic)" })
    .option('dead-letter-topic', {
      type: 'string',
      describe: 'topic of the dead letters (default <topic>.dead-letter)',
    })
    .option('reason', {
      type: 'string',
      describe: 'only these reasons: invalid, late, duplicate, error (comma-separated)',
    })
    .option('partition', {
      type: 'string',
      describe: 'only letters of records from these input partitions (comma-separated)',
    })
    .option('from-offset', { type: 'string', describe: 'only records at this input offset or after' })
    .option('to-offset', { type: 'string', describe: 'only records at this input offset or before' })
    .option('from-time', {
      type: 'string',
      describe: 'only letters written at this time or after (epoch ms or ISO-8601)',
    })
    .option('to-time', { type: 'string', describe: 'only letters written before this time (epoch ms or ISO-8601)' })
    .option('dry-run', { type: 'boolean', describe: 'count what would be sent; send nothing' });
}

function newJobFlags<T>(y: Argv<T>): Argv<T> {
  return y
    .positional('name', { type: 'string', describe: "the job's name: lower-case words joined by hyphens" })
    .option('dir', { type: 'string', describe: 'folder to write the files in, created if absent (default .)' })
    .option('yaml', { type: 'boolean', describe: 'a YAML job file instead of a TypeScript module' });
}

/** Each command's flags, as yargs options. */
export const COMMAND_FLAGS: Readonly<Record<CommandName, <T>(y: Argv<T>) => Argv<T>>> = {
  test: testFlags,
  prod: prodFlags,
  batch: batchFlags,
  produce: produceFlags,
  ingest: ingestFlags,
  replay: replayFlags,
  'new-job': newJobFlags,
};
