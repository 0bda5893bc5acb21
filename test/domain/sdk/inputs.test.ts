import { csv, decoder, field, json, reject } from '../../../src/domain/sdk';
import { splitCsvLine } from '../../../src/domain/sdk/csv-line';

const T0 = 1_735_689_600_000;

describe('inputs', () => {
  it('json: declared fields, in declaration order; others ignored', () => {
    const input = json({ fields: { a: field.string(), n: field.number() } });
    expect(input.decode('{"n":1,"a":"x","z":[1]}', undefined)).toEqual({ ok: true, event: { a: 'x', n: 1 } });
    expect(input.decode('{"n":"1"}', undefined)).toEqual({ ok: false, detail: 'missing field "a"' });
    expect(input.decode('[1]', undefined)).toEqual({ ok: false, detail: 'record is not a JSON object' });
    expect(input.decode('{"a":', undefined)).toMatchObject({ ok: false });
    expect(input.decode('{"__proto__":{},"a":"x","n":1}', undefined)).toMatchObject({ ok: false });
    expect(input.many).toBe(false);
  });

  it('json with events: one record, many events; the first bad one refuses the record', () => {
    const input = json({ events: 'data', fields: { s: field.string(), ts: field.time('epoch-ms') } });
    expect(input.many).toBe(true);
    expect(
      input.decode(
        JSON.stringify({
          data: [
            { s: 'a', ts: T0 },
            { s: 'b', ts: T0 + 1 },
          ],
        }),
        undefined,
      ),
    ).toEqual({
      ok: true,
      events: [
        { s: 'a', ts: T0 },
        { s: 'b', ts: T0 + 1 },
      ],
    });
    expect(
      input.decode(
        JSON.stringify({
          data: [
            { s: 'a', ts: T0 },
            { s: 1, ts: T0 },
          ],
        }),
        undefined,
      ),
    ).toEqual({
      ok: false,
      detail: 'data[1]: field "s" must be a string, got 1',
    });
    expect(input.decode('{"data":3}', undefined)).toEqual({
      ok: false,
      detail: 'field "data" must be an array of events',
    });
  });

  it('csv: columns in order, declared fields validated from text, header refused as such', () => {
    const input = csv({
      columns: ['symbol', 'price', 'note', 'ts'],
      fields: { symbol: field.string(), price: field.decimal({ scale: 2 }), ts: field.time('iso') },
      header: true,
    });
    expect(input.decode('AB, 1.25 ,"x, y",2025-01-01 00:00:00', undefined)).toEqual({
      ok: true,
      event: { symbol: 'AB', price: 125, ts: T0 },
    });
    expect(input.decode('symbol,price,note,ts', undefined)).toEqual({
      ok: false,
      detail: 'CSV header line, not an event',
    });
    expect(input.decode('AB,1', undefined)).toEqual({
      ok: false,
      detail: 'CSV line has 2 fields, expected 4: symbol,price,note,ts',
    });
    expect(input.decode('AB,x,,2025-01-01 00:00:00', undefined)).toEqual({
      ok: false,
      detail: 'field "price" must be a decimal number, got string "x"',
    });
    expect(input.decode('AB,"1,2', undefined)).toEqual({
      ok: false,
      detail: 'CSV value from character 4 has no closing quote',
    });
  });

  it('csv: every field is one of the columns, each named once', () => {
    expect(() => csv({ columns: ['a', 'b'], fields: { c: field.string() } })).toThrow(
      'csv: field "c" is not one of the columns (a, b)',
    );
    expect(() => csv({ columns: ['a', 'a'], fields: { a: field.string() } })).toThrow('csv: a column is named twice');
  });

  it('splits CSV lines with quotes', () => {
    expect(splitCsvLine('a,"b,""c""",d,')).toEqual(['a', 'b,"c"', 'd', '']);
    expect(splitCsvLine('')).toEqual(['']);
  });

  it('decoder: one event, many, or a rejection; arrival time passed on', () => {
    const input = decoder((text, arrivalMs) =>
      text === 'bad' ? reject('not a thing') : text === 'two' ? [{ v: 1 }, { v: 2 }] : { v: arrivalMs ?? -1 },
    );
    expect(input.decode('one', 42)).toEqual({ ok: true, events: [{ v: 42 }] });
    expect(input.decode('two', undefined)).toEqual({ ok: true, events: [{ v: 1 }, { v: 2 }] });
    expect(input.decode('bad', undefined)).toEqual({ ok: false, detail: 'not a thing' });
  });
});
