import { decodeRecordBytes } from '../../../src/adapters/encoding/utf8';
import { toRecord } from '../../../src/adapters/kafka/kafka-source.adapter';
import { StreamEngine } from '../../../src/domain/engine/stream-engine';
import { ordersJob } from '../../../src/domain/jobs/orders.job';
import type { DeadLetter, SourceRecord } from '../../../src/domain/records';
import { slidingWindows } from '../../../src/domain/windowing/window-spec';
import {
  detailMatches,
  expectedRaw,
  hostileOrders,
  LIMIT,
  order,
  type HostileRecord,
} from '../../support/hostile-orders';

/** A record as the Kafka source makes it from a message (the file source decodes a line's bytes the same way). */
function asKafkaRecord(h: HostileRecord, position: number): SourceRecord {
  const value = h.value === null ? null : Buffer.isBuffer(h.value) ? h.value : Buffer.from(h.value);
  const key = h.key === undefined ? null : Buffer.isBuffer(h.key) ? h.key : Buffer.from(h.key);
  return toRecord(0, position, { key, value, timestamp: '1735689600000' }, LIMIT);
}

function asFileRecord(h: HostileRecord, position: number): SourceRecord {
  const bytes = Buffer.isBuffer(h.value) ? h.value : Buffer.from(h.value ?? '');
  return { partition: 0, position, ...decodeRecordBytes(bytes, LIMIT) };
}

/** Each record of the corpus between two valid orders; returns the dead letters and the engine's counts. */
function run(
  records: readonly HostileRecord[],
  make: (h: HostileRecord, position: number) => SourceRecord,
): { dead: DeadLetter[]; accepted: number } {
  const engine = new StreamEngine(ordersJob, {
    window: slidingWindows(60_000, 60_000),
    watermarkMs: 10_000,
    outputMode: 'update',
  });
  let position = 0;
  let id = 1;
  const valid = (): void =>
    engine.process({ partition: 0, position: position++, value: order({ orderid: String(id++) }) });
  for (const h of records) {
    valid();
    engine.process(make(h, position++));
  }
  valid();
  engine.finish();
  return { dead: engine.trigger().deadLetters, accepted: engine.stats().accepted };
}

describe('the hostile orders corpus', () => {
  const corpus = hostileOrders();

  it('has at least 40 kinds, each named once', () => {
    const kinds = corpus.map((h) => h.kind);
    expect(new Set(kinds).size).toBeGreaterThanOrEqual(40);
    expect(new Set(kinds).size).toBe(kinds.length);
  });

  describe.each([
    ['from Kafka messages', corpus, asKafkaRecord],
    ['from file lines', corpus.filter((h) => h.kafkaOnly !== true), asFileRecord],
  ] as const)('%s', (_name, records, make) => {
    const { dead, accepted } = run(records, make);

    it('dead-letters every bad record and accepts every valid one around it', () => {
      expect(dead.map((d) => [d.position, d.reason])).toEqual(records.map((_h, i) => [2 * i + 1, 'invalid']));
      expect(accepted).toBe(records.length + 1);
    });

    it.each(records.map((h, i) => [h.kind, h, i] as const))(
      '%s: its specific detail, a bounded raw and its size',
      (_kind, h, i) => {
        const d = dead[i];
        if (d === undefined) throw new Error(`no dead letter for ${h.kind}`);
        if (!detailMatches(h, d.detail)) expect(d.detail).toEqual(h.detail);
        expect({ raw: d.raw, rawBytes: d.rawBytes }).toEqual({ raw: expectedRaw(h), rawBytes: h.rawBytes });
        expect(Buffer.byteLength(d.raw)).toBeLessThanOrEqual(4096);
        expect(d.detail.length).toBeLessThan(400);
      },
    );
  });

  it('leaves Object.prototype untouched', () => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('JSON shape limits', () => {
  it('accepts an extra member nested to depth 16 and refuses depth 17', () => {
    const nest = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    // The order is depth 1, "meta" opens depth 2: 15 levels reach 16.
    expect(ordersJob.decode(order({}, `,"meta":${nest(15)}`)).ok).toBe(true);
    expect(ordersJob.decode(order({}, `,"meta":${nest(16)}`))).toEqual({
      ok: false,
      detail: `JSON is nested deeper than 16 levels (at $.meta${'.a'.repeat(15)})`,
    });
  });

  it('names an odd key in the path by its JSON text, shortened', () => {
    const key = `a b${'c'.repeat(60)}`;
    expect(ordersJob.decode(order({}, `,${JSON.stringify(key)}:{"__proto__":1}`))).toEqual({
      ok: false,
      detail: `forbidden key "__proto__" at $[${JSON.stringify(`${key.slice(0, 40)}…`)}] (__proto__, constructor and prototype are refused at any depth)`,
    });
  });

  it('accepts regions of any script with marks, digits and - _ . / inside', () => {
    for (const region of [
      'São Paulo',
      'Zürich',
      '東京',
      'नई दिल्ली',
      'US-CA',
      'APAC/SEA',
      'eu_west.1',
      'e\u0301te\u0301',
    ]) {
      expect(ordersJob.decode(order({ region: JSON.stringify(region) }))).toMatchObject({
        ok: true,
        event: { region },
      });
    }
  });
});
