import type { RecordGenerator } from '../jobs/generator-catalog';
import { isPlainObject, parseJson } from '../jobs/validation';
import type { ResultRow } from '../records';

/** Where a job's records come from and go, and its `produce`/report hooks (all optional in a spec). */
export interface IoSpec<Column extends string> {
  /** Input topic: `prod` reads it, `produce` writes it. Default: the job's name. */
  readonly topic?: string;
  /** `prod` reads to the end offsets and stops (unless `--no-bounded`). Default: false. */
  readonly bounded?: boolean;
  /** Result column whose value keys output rows on Kafka (`--to-kafka`). */
  readonly outputMessageKey?: Column;
  /** Sample input under `samples/`, read by `test` without `--input`. Default: `<name>.jsonl`. */
  readonly sample?: string;
  /** The Kafka key of a produced input record (e.g. `jsonField('symbol')`). */
  readonly partitionKey?: (text: string) => string | undefined;
  /** The records `produce --job NAME` writes. */
  readonly generator?: RecordGenerator;
  /** `produce`'s default share of faulty records, 0..1. Default: 0.01. */
  readonly faultShare?: number;
  /** Lines printed after the run summary. */
  readonly report?: (rows: readonly ResultRow[]) => string[];
}

/** A partition key: the text of field `name` of a JSON record (a number as its digits), if it has one. */
export function jsonField(name: string): (text: string) => string | undefined {
  return (text) => {
    const parsed = parseJson(text);
    if (!parsed.ok || !isPlainObject(parsed.event)) return undefined;
    const v = parsed.event[name];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
}
