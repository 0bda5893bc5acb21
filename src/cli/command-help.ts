import { DURATION_SYNTAX } from '../composition/duration';
import { envVariable } from './env-flags';

/** What `hexstream <command> --help` shows after the flags. */
export interface CommandHelp {
  readonly examples: ReadonlyArray<readonly [string, string]>;
  readonly epilog: string;
}

const EXAMPLES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  test: [
    ['hexstream test you@example.com', 'the orders job on its sample, into out/orders.jsonl'],
    ['hexstream test you@example.com --job stock-averages --input trades.csv', 'another job on your own file'],
    ['hexstream produce --to - | hexstream test you@example.com --input -', 'generated orders from standard input'],
  ],
  prod: [
    [
      'hexstream prod ops@example.com --brokers kafka:9092 --mysql mysql://etl:pw@db:3306/hexstream',
      'Kafka topic orders into MySQL/MariaDB until SIGINT/SIGTERM',
    ],
    [
      'hexstream prod ops@example.com --job ohlc --postgres postgres://etl@db:5432/hexstream --bounded',
      'into PostgreSQL, up to the end offsets seen at start',
    ],
    [
      'hexstream prod ops@example.com --job stock-averages --to-kafka --instance-id a',
      'into a Kafka topic, exactly once',
    ],
  ],
  batch: [
    [
      'hexstream batch you@example.com --input orders/',
      'every file of a folder into MySQL/MariaDB (the default database)',
    ],
    [
      'hexstream batch you@example.com --job ohlc --input quotes.jsonl --postgres postgres://etl@db:5432/hexstream',
      'into PostgreSQL',
    ],
  ],
  replay: [
    ['hexstream replay --reason error --dry-run', 'count the dead letters of orders the job threw on'],
    [
      'hexstream replay --job ohlc --reason invalid --from-time 2026-01-01T10:00:00Z',
      'send the invalid trades dead-lettered since 10:00 back to topic ohlc',
    ],
  ],
  'new-job': [
    ['hexstream new-job page-views', 'page-views.job.ts, its test and a sample input, in the current folder'],
    ['hexstream new-job page-views --yaml --dir jobs', 'the same job as a YAML job file, in jobs/'],
  ],
  ingest: [
    [
      'hexstream ingest ops@example.com --from https://quotes.example/batch?symbols=AAPL,MSFT --format iex-batch',
      'poll a quote API every 10 s into topic quotes',
    ],
    [
      `FINNHUB_TOKEN=… hexstream ingest ops@example.com --from wss://ws.finnhub.io --format finnhub-trades --token-env FINNHUB_TOKEN --subscribe '{"type":"subscribe","symbol":"BINANCE:BTCUSDT"}'`,
      "Finnhub's trade stream into topic trades",
    ],
    ['hexstream ingest you@example.com --from http://127.0.0.1:8080/q --format json --to quotes.jsonl', 'into a file'],
  ],
  produce: [
    ['hexstream produce --to orders.jsonl --count 10000', 'a file of 10,000 orders'],
    ['hexstream produce --to kafka --topic orders --rate 1000', '1,000 orders a second into Kafka until stopped'],
  ],
};

const DURATIONS = `Durations: ${DURATION_SYNTAX}.`;

const EXIT_CODES = [
  'Exit codes:',
  '  0  done',
  '  1  failed at run time (one line on stderr says what and why)',
  '  2  bad command line, variable or configuration (nothing was run)',
  '  3  records were read but none was accepted (one line: how many were rejected and why)',
].join('\n');

const PRODUCE_EXIT_CODES = [
  'Exit codes:',
  '  0  done',
  '  1  failed at run time',
  '  2  bad command line or variable',
].join('\n');

const INGEST_EXIT_CODES = [
  'Exit codes:',
  '  0  stopped by SIGINT/SIGTERM, everything received sent (or dead-lettered)',
  '  1  failed at run time (one line on stderr says what and why)',
  '  2  bad command line, variable or configuration (nothing was run)',
].join('\n');

const NEW_JOB_EXIT_CODES = [
  'Exit codes:',
  '  0  the files are written',
  '  1  a file could not be written',
  '  2  bad command line or variable, a bad name, or a file already there (nothing is written)',
].join('\n');

/** Examples, the command's environment variables, the duration syntax and the exit codes. */
export function commandHelp(command: string, flags: readonly string[]): CommandHelp {
  const variables = flags.filter((f) => f !== 'failpoints').map(envVariable);
  const environment = `Environment: each flag also as HEXSTREAM_<FLAG> (flag > variable > default); other HEXSTREAM_* variables are ignored by ${command}:\n  ${variables.join(' ')}`;
  const sections =
    command === 'produce' || command === 'replay'
      ? [environment, PRODUCE_EXIT_CODES]
      : command === 'new-job'
        ? [environment, NEW_JOB_EXIT_CODES]
        : command === 'ingest'
          ? [environment, DURATIONS, INGEST_EXIT_CODES]
          : [environment, DURATIONS, EXIT_CODES];
  return { examples: EXAMPLES[command] ?? [], epilog: sections.join('\n\n') };
}

/** After the list of commands. */
export const TOP_EPILOG = [
  'hexstream <command> --help: its flags, examples, environment variables and exit codes.',
  'hexstream --version: the version.',
  '',
  EXIT_CODES,
].join('\n');
