import type { Decoded } from '../jobs/job';
import type { Field, Fields } from './fields';
import { eventOf } from './json-input';
import { splitCsvLine } from './csv-line';

/** A decoder of CSV lines whose values are `columns`, keeping the declared `fields`. */
export function csvDecoder<E>(
  columns: readonly string[],
  fields: Fields,
  header: boolean,
): (text: string) => Decoded<E> {
  const names = Object.keys(fields);
  const specs = names.map((n) => fields[n] as Field<unknown>);
  const headerLine = columns.join(',');
  return (text) => {
    const line = text.trim();
    if (header && line === headerLine) return { ok: false, detail: 'CSV header line, not an event' };
    const values = splitCsvLine(line);
    if (typeof values === 'string') return { ok: false, detail: values };
    if (values.length !== columns.length)
      return { ok: false, detail: `CSV line has ${values.length} fields, expected ${columns.length}: ${headerLine}` };
    const row: Record<string, string> = {};
    for (let i = 0; i < columns.length; i++) row[columns[i] as string] = (values[i] as string).trim();
    return eventOf<E>(row, names, specs, true);
  };
}
