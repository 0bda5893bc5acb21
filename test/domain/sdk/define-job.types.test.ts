/**
 * What the compiler refuses in a job spec. Each `@ts-expect-error` line must be an error, or
 * `npm run typecheck` fails ("unused directive"): these are the tests, run by the type checker.
 */
import {
  defineJob,
  double,
  eventTime,
  field,
  instant,
  integer,
  json,
  text,
  tumbling,
  writtenAt,
  testJob,
  type RowOf,
} from '../../../src/index';

const input = json({
  fields: {
    title: field.string({ maxLength: 64 }),
    wage: field.number({ min: 0 }),
    note: field.string({ optional: true }),
    ts: field.time('epoch-ms'),
  },
});
const table = {
  name: 'wages',
  columns: { title: text(64), window_start: instant(), avg: double(), n: integer(), updated_at: writtenAt() },
  primaryKey: ['title', 'window_start'],
} as const;
const common = { name: 'wages', description: 'mean wage per title', input, window: tumbling('1m') } as const;

export const valid = defineJob({
  ...common,
  time: eventTime('ts'),
  key: ['title'],
  aggregate: (a) => ({ avg: a.mean('wage'), n: a.count() }),
  table,
  row: ({ window, key, agg }) => ({ title: key.title, window_start: window.startMs, avg: agg.avg, n: agg.n }),
});

export const timedByFunction = defineJob({
  ...common,
  time: (e) => e.ts + 1,
  key: ['title'],
  aggregate: (a) => ({ avg: a.mean('wage'), n: a.count() }),
  table,
  row: ({ window, key, agg }) => ({ title: key.title, window_start: window.startMs, avg: agg.avg, n: agg.n }),
});

/** Never called: the spec is refused at compile time. */
export const timeOfText = (): unknown =>
  defineJob({
    ...common,
    // @ts-expect-error the event time must be a number
    time: (e) => e.title,
    key: [],
    aggregate: (a) => ({ n: a.count() }),
    table: { name: 't', columns: { n: integer() }, primaryKey: ['n'] },
    row: ({ agg }) => ({ n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const columnTypo = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: ['title'],
    aggregate: (a) => ({ avg: a.mean('wage'), n: a.count() }),
    table,
    // @ts-expect-error `titel` is not a column (and `title` is missing)
    row: ({ window, key, agg }) => ({ titel: key.title, window_start: window.startMs, avg: agg.avg, n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const wrongValueType = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: ['title'],
    aggregate: (a) => ({ avg: a.mean('wage'), n: a.count() }),
    table,
    // @ts-expect-error `avg` is a double column, given a string
    row: ({ window, key, agg }) => ({ title: key.title, window_start: window.startMs, avg: key.title, n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const wrongKeyField = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    // @ts-expect-error `job` is not a field of the event
    key: ['job'],
    aggregate: (a) => ({ n: a.count() }),
    table: { name: 't', columns: { n: integer() }, primaryKey: ['n'] },
    // @ts-expect-error follows from the error above: the spec no longer infers
    row: ({ agg }) => ({ n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const wrongPrimaryKey = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: ['title'],
    aggregate: (a) => ({ n: a.count() }),
    // @ts-expect-error `name` is not a column of the table
    table: { name: 't', columns: { title: text(64), n: integer() }, primaryKey: ['name'] },
    // @ts-expect-error follows from the error above: the spec no longer infers
    row: ({ key, agg }) => ({ title: key.title, n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const wrongTimeField = (): unknown =>
  defineJob({
    ...common,
    // @ts-expect-error `title` is not a number field
    time: eventTime('title'),
    key: [],
    aggregate: (a) => ({ n: a.count() }),
    table: { name: 't', columns: { n: integer() }, primaryKey: ['n'] },
    // @ts-expect-error follows from the error above: the spec no longer infers
    row: ({ agg }) => ({ n: agg.n }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const sumOfText = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: [],
    // @ts-expect-error sum needs a number field
    aggregate: (a) => ({ s: a.sum('title') }),
    table: { name: 't', columns: { n: double() }, primaryKey: ['n'] },
    row: ({ agg }) => ({ n: agg.s }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const optionalIsUndefined = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: [],
    aggregate: (a) => ({ note: a.first('note') }),
    table: { name: 't', columns: { note: text(8) }, primaryKey: ['note'] },
    // @ts-expect-error an optional field's first value may be undefined
    row: ({ agg }) => ({ note: agg.note }),
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const bothRowAndRows = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: [],
    aggregate: (a) => ({ n: a.count() }),
    table: { name: 't', columns: { n: integer() }, primaryKey: ['n'] },
    // @ts-expect-error exactly one of row and rows
    row: ({ agg }) => ({ n: agg.n }),
    // @ts-expect-error follows from the error above: the spec no longer infers
    rows: ({ agg }) => [{ n: agg.n }],
  });

/** Never called: the spec is refused at compile time (and by defineJob). */
export const messageKeyTypo = (): unknown =>
  defineJob({
    ...common,
    time: eventTime('ts'),
    key: [],
    aggregate: (a) => ({ n: a.count() }),
    table: { name: 't', columns: { n: integer() }, primaryKey: ['n'] },
    // @ts-expect-error follows from the error above: the spec no longer infers
    row: ({ agg }) => ({ n: agg.n }),
    // @ts-expect-error the output message key must be a column
    io: { outputMessageKey: 'm' },
  });

// testJob's rows are typed by the job's columns.
export const typedRows = (): number | undefined => {
  const [first] = testJob(valid).finish().rows;
  // @ts-expect-error `average` is not a column
  void first?.average;
  return first?.avg;
};

// A row type names every column but writtenAt ones.
export const row: RowOf<typeof table.columns> = { title: 't', window_start: 0, avg: 1.5, n: 2n };

describe('job spec types', () => {
  it('compile a valid spec (the refusals above are checked by the type checker)', () => {
    expect(valid.table.primaryKey).toEqual(['title', 'window_start']);
    const event = { title: 'dev', wage: 1, note: undefined, ts: 1_735_689_600_000 };
    expect(timedByFunction.eventTimeMs(event)).toBe(1_735_689_600_001);
    expect(timedByFunction.timeDomain).toBe('event');
    expect(row.n).toBe(2n);
    expect(typedRows()).toBeUndefined();
  });
});
