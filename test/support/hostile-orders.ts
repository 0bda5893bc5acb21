import { generateOrders } from '../../src/domain/jobs/orders.generator';
import type { TopicValue } from './kafka-topics';

/**
 * A corpus of bad `orders` records, each with the dead-letter detail it must get. The details are
 * written out here from the rules of ARCHITECTURE §4 and README (validation of orders), not taken
 * from the code. Texts V8 produces (JSON syntax errors) are matched by their start: later V8
 * versions append "(line 1 column n)".
 *
 * Every value is one line (no LF byte), so the same corpus runs from files and from Kafka; the
 * kinds only Kafka can carry (tombstones, keys) say so.
 */
export interface HostileRecord {
  readonly kind: string;
  /** The line of a file or the value of a Kafka message; `null`: a tombstone. */
  readonly value: string | Buffer | null;
  /** The Kafka message's key. */
  readonly key?: string | Buffer;
  /** The dead letter's exact detail, or how it starts and ends. */
  readonly detail: string | { readonly startsWith: string; readonly endsWith?: string };
  /** The dead letter's `raw`; by default the value as UTF-8 text ('' for a tombstone). */
  readonly raw?: string;
  /** The dead letter's `raw_bytes` when `raw` is only the start of the record. */
  readonly rawBytes?: number;
  readonly kafkaOnly?: boolean;
  /** A record of ten megabytes, repeated to show memory stays bounded. */
  readonly huge?: boolean;
}

export const LIMIT = 1024 * 1024;
const RAW_LIMIT = 4096;
const TEN_MB = 10_000_000;
const REGION_ALLOWED = "allowed: letters, digits, space, '-', '_', '.', '/'";
const PROTO = '(__proto__, constructor and prototype are refused at any depth)';

/** Fields of a valid order as JSON texts: 2025-01-01T00:00:30Z, inside the generated orders' hour. */
const FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['orderid', '9000000000001'],
  ['itemid', '100001'],
  ['shopid', '100001'],
  ['region', '"TW"'],
  ['count', '2'],
  ['price', '9.99'],
  ['timestamp', '1735689630'],
];

/** A valid order with some fields' JSON text replaced (`undefined` drops the field), then `extra` members. */
export function order(replace: Readonly<Record<string, string | undefined>> = {}, extra = ''): string {
  const members = FIELDS.filter(([name]) => !(name in replace) || replace[name] !== undefined).map(
    ([name, json]) => `"${name}":${replace[name] ?? json}`,
  );
  return `{${members.join(',')}${extra}}`;
}

function region(text: string): string {
  return order({ region: JSON.stringify(text) });
}

/** An order whose region holds `bytes` in place of "TW": the record and where they start. */
function regionBytes(bytes: readonly number[]): { value: Buffer; at: number } {
  const [head, tail] = order().split('"TW"') as [string, string];
  return {
    value: Buffer.concat([Buffer.from(`${head}"`), Buffer.from(bytes), Buffer.from(`"${tail}`)]),
    at: Buffer.byteLength(head) + 1,
  };
}

/** An order padded by an extra string member to exactly `bytes` bytes (ASCII). */
function paddedOrder(bytes: number): string {
  const empty = order({}, ',"pad":""');
  return order({}, `,"pad":"${'x'.repeat(bytes - empty.length)}"`);
}

function tooLong(bytes: number, keptBytes = RAW_LIMIT): string {
  return `record is ${bytes} bytes, more than the limit of ${LIMIT}; raw holds its first ${keptBytes} of ${bytes} bytes`;
}

function invalidUtf8(kind: string, bytes: readonly number[], offset = 0): HostileRecord {
  const { value, at } = regionBytes(bytes);
  return { kind, value, detail: `invalid UTF-8 at byte ${at + offset} of the record` };
}

/** The corpus; `hugeCopies` repeats each ten-megabyte kind that many times (at least once). */
export function hostileOrders(hugeCopies = 1): HostileRecord[] {
  const nested = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  const bigRegion = 'A'.repeat(1_000_000);
  const notJson = 'x'.repeat(900_000);
  const tenMbGarbage = Buffer.alloc(TEN_MB, 0xff);
  const rawNul = order({ region: '"T\u0000W"' });
  const leadingZero = order({ price: '09.99' });
  const truncated = order().slice(0, order().indexOf('"TW"') + 2);
  const huge: HostileRecord[] = [
    {
      kind: 'a 10 MB order (padded)',
      value: paddedOrder(TEN_MB),
      detail: tooLong(TEN_MB),
      raw: paddedOrder(TEN_MB).slice(0, RAW_LIMIT),
      rawBytes: TEN_MB,
      huge: true,
    },
    // 0xFF is no UTF-8 byte: each becomes U+FFFD (3 bytes), so 1365 of them fill the 4 KiB.
    {
      kind: '10 MB of binary garbage',
      value: tenMbGarbage,
      detail: tooLong(TEN_MB, 4095),
      raw: '\uFFFD'.repeat(1365),
      rawBytes: TEN_MB,
      huge: true,
    },
    {
      kind: '10 MB of unclosed nesting',
      value: '['.repeat(TEN_MB),
      detail: tooLong(TEN_MB),
      raw: '['.repeat(RAW_LIMIT),
      rawBytes: TEN_MB,
      huge: true,
    },
    {
      kind: 'a 10 MB region',
      value: region('B'.repeat(TEN_MB - region('').length)),
      detail: tooLong(TEN_MB),
      raw: region('B'.repeat(TEN_MB - region('').length)).slice(0, RAW_LIMIT),
      rawBytes: TEN_MB,
      huge: true,
    },
  ];
  const corpus: HostileRecord[] = [
    // JSON that is not an order
    {
      kind: 'truncated inside a string',
      value: truncated,
      detail: { startsWith: `not valid JSON: Unterminated string in JSON at position ${truncated.length}` },
    },
    {
      kind: 'truncated after a colon',
      value: '{"orderid":9000000000001,"count":',
      detail: { startsWith: 'not valid JSON: Unexpected end of JSON input' },
    },
    {
      kind: 'unclosed nesting 1,000,000 deep',
      value: '['.repeat(1_000_000),
      detail: {
        startsWith: 'not valid JSON: Unexpected end of JSON input',
        endsWith: '; raw holds its first 4096 of 1000000 bytes',
      },
      raw: '['.repeat(RAW_LIMIT),
      rawBytes: 1_000_000,
    },
    {
      kind: 'arrays nested 100,000 deep',
      value: nested,
      detail: `JSON is nested deeper than 16 levels (at $${'[0]'.repeat(16)}); raw holds its first 4096 of 200000 bytes`,
      raw: nested.slice(0, RAW_LIMIT),
      rawBytes: 200_000,
    },
    {
      kind: 'an order with an extra member nested 17 deep',
      value: order({}, `,"meta":${'{"a":'.repeat(16)}1${'}'.repeat(16)}`),
      detail: `JSON is nested deeper than 16 levels (at $.meta${'.a'.repeat(15)})`,
    },
    { kind: 'an array holding an order', value: `[${order()}]`, detail: 'record is not a JSON object' },
    { kind: 'null', value: 'null', detail: 'record is not a JSON object' },
    { kind: 'a JSON string holding an order', value: JSON.stringify(order()), detail: 'record is not a JSON object' },
    { kind: 'a number', value: '42', detail: 'record is not a JSON object' },
    {
      kind: 'trailing garbage',
      value: `${order()}x`,
      detail: {
        startsWith: `not valid JSON: Unexpected non-whitespace character after JSON at position ${order().length}`,
      },
    },
    {
      kind: 'two orders on one line',
      value: `${order()}${order()}`,
      detail: {
        startsWith: `not valid JSON: Unexpected non-whitespace character after JSON at position ${order().length}`,
      },
    },
    { kind: 'NaN', value: order({ count: 'NaN' }), detail: { startsWith: "not valid JSON: Unexpected token 'N'" } },
    {
      kind: 'single-quoted keys',
      value: "{'orderid':1}",
      detail: { startsWith: "not valid JSON: Expected property name or '}' in JSON at position 1" },
    },
    {
      kind: 'a trailing comma',
      value: order({}, ','),
      detail: {
        startsWith: `not valid JSON: Expected double-quoted property name in JSON at position ${order().length}`,
      },
    },
    {
      kind: 'a number with a leading zero',
      value: leadingZero,
      detail: {
        startsWith: `not valid JSON: Unexpected number in JSON at position ${leadingZero.indexOf('"price":0') + 9}`,
      },
    },
    { kind: 'an empty object', value: '{}', detail: 'missing field "orderid"' },
    {
      kind: '900 KB that are not JSON',
      value: notJson,
      detail: {
        startsWith: "not valid JSON: Unexpected token 'x'",
        endsWith: '; raw holds its first 4096 of 900000 bytes',
      },
      raw: notJson.slice(0, RAW_LIMIT),
      rawBytes: 900_000,
    },
    // Bytes and characters
    {
      kind: 'binary garbage',
      value: Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0x01, 0x80]),
      detail: 'invalid UTF-8 at byte 0 of the record',
    },
    invalidUtf8('a UTF-8 lead byte without its continuation in the region', [0x54, 0xc3, 0x28], 1),
    invalidUtf8('a UTF-16 surrogate encoded in UTF-8 (CESU-8)', [0xed, 0xa0, 0x80]),
    invalidUtf8('an overlong encoding of "/"', [0xc0, 0xaf]),
    invalidUtf8('a code point beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]),
    {
      kind: 'control characters only',
      value: '\u0001\u0002\u0003',
      detail: { startsWith: 'not valid JSON: Unexpected token \'U+0001\', "U+0001U+0002U+0003" is not valid JSON' },
    },
    {
      kind: 'null bytes only',
      value: '\u0000\u0000\u0000',
      detail: { startsWith: 'not valid JSON: Unexpected token \'U+0000\', "U+0000U+0000U+0000" is not valid JSON' },
    },
    {
      kind: 'a raw NUL byte inside the region string',
      value: rawNul,
      detail: {
        startsWith: `not valid JSON: Bad control character in string literal in JSON at position ${rawNul.indexOf('\u0000')}`,
      },
    },
    {
      kind: 'an escaped NUL in the region',
      value: region('T\u0000W'),
      detail: `region contains U+0000 at character 2; ${REGION_ALLOWED}`,
    },
    {
      kind: 'a byte order mark before the order',
      value: `\uFEFF${order()}`,
      detail: { startsWith: "not valid JSON: Unexpected token 'U+FEFF'" },
    },
    {
      kind: 'a lone surrogate escape in the region',
      value: order({ region: '"\\ud800"' }),
      detail: `region contains U+D800 at character 1; ${REGION_ALLOWED}`,
    },
    {
      kind: 'a right-to-left override in the region',
      value: region('\u202EWT'),
      detail: `region contains U+202E at character 1; ${REGION_ALLOWED}`,
    },
    {
      kind: 'a zero-width joiner in the region',
      value: region('T\u200DW'),
      detail: `region contains U+200D at character 2; ${REGION_ALLOWED}`,
    },
    {
      kind: 'a flag emoji as region',
      value: region('🇹🇼'),
      detail: `region contains '🇹' (U+1F1F9) at character 1; ${REGION_ALLOWED}`,
    },
    // Regions
    { kind: 'an empty region', value: region(''), detail: 'region is empty' },
    {
      kind: 'a region of 17 characters',
      value: region('ABCDEFGHIJKLMNOPQ'),
      detail: 'region has 17 characters, at most 16 allowed',
    },
    { kind: 'a region with a leading space', value: region(' TW'), detail: 'region starts or ends with a space' },
    {
      kind: 'a region of 1,000,000 characters',
      value: region(bigRegion),
      detail: `region has 1000000 characters, at most 16 allowed; raw holds its first 4096 of ${region(bigRegion).length} bytes`,
      raw: region(bigRegion).slice(0, RAW_LIMIT),
      rawBytes: region(bigRegion).length,
    },
    {
      kind: 'a region that is a number',
      value: order({ region: '886' }),
      detail: 'field "region" must be a string, got 886',
    },
    // SQL in every field
    {
      kind: "SQL in region: ' OR 1=1 --",
      value: region("' OR 1=1 --"),
      detail: `region contains ''' (U+0027) at character 1; ${REGION_ALLOWED}`,
    },
    {
      kind: "SQL in region: x';DROP TABLE x",
      value: region("x';DROP TABLE x"),
      detail: `region contains ''' (U+0027) at character 2; ${REGION_ALLOWED}`,
    },
    {
      kind: 'SQL in region: TW;SELECT 1',
      value: region('TW;SELECT 1'),
      detail: `region contains ';' (U+003B) at character 3; ${REGION_ALLOWED}`,
    },
    {
      kind: 'SQL in region: TW" OR ""="',
      value: region('TW" OR ""="'),
      detail: `region contains '"' (U+0022) at character 3; ${REGION_ALLOWED}`,
    },
    {
      kind: 'SQL in region: TW/**/OR/**/1=1',
      value: region('TW/**/OR/**/1=1'),
      detail: `region contains '*' (U+002A) at character 4; ${REGION_ALLOWED}`,
    },
    {
      kind: 'SQL in region, 36 characters',
      value: region("TW'; DROP TABLE agg_order_window; --"),
      detail: 'region has 36 characters, at most 16 allowed',
    },
    {
      kind: 'SQL in orderid',
      value: order({ orderid: '"1 OR 1=1"' }),
      detail: 'field "orderid" must be a non-negative safe integer, got string "1 OR 1=1"',
    },
    {
      kind: 'SQL in itemid',
      value: order({ itemid: '"1; DELETE FROM agg_order_window"' }),
      detail: 'field "itemid" must be a non-negative safe integer, got string "1; DELETE FROM agg_order_window"',
    },
    {
      kind: 'SQL in shopid',
      value: order({ shopid: '"0) UNION SELECT password FROM users --"' }),
      detail: 'field "shopid" must be a non-negative safe integer, got string "0) UNION SELECT password FROM users --"',
    },
    {
      kind: 'SQL in count',
      value: order({ count: '"2; DROP TABLE x"' }),
      detail: 'field "count" must be a positive integer, got string "2; DROP TABLE x"',
    },
    {
      kind: 'SQL in price',
      value: order({ price: `"9.99' OR '1'='1"` }),
      detail: `field "price" must be a number, got string "9.99' OR '1'='1"`,
    },
    {
      kind: 'SQL in timestamp',
      value: order({ timestamp: '"NOW()"' }),
      detail: 'field "timestamp" must be a number (epoch seconds), got string "NOW()"',
    },
    // Numbers
    {
      kind: 'count as a string',
      value: order({ count: '"2"' }),
      detail: 'field "count" must be a positive integer, got string "2"',
    },
    {
      kind: 'price as a string',
      value: order({ price: '"9.99"' }),
      detail: 'field "price" must be a number, got string "9.99"',
    },
    {
      kind: 'timestamp as a string of digits',
      value: order({ timestamp: '"1735689630"' }),
      detail: 'field "timestamp" must be a number (epoch seconds), got string "1735689630"',
    },
    { kind: 'price 1e400', value: order({ price: '1e400' }), detail: 'price is not finite: Infinity' },
    { kind: 'price -1e400', value: order({ price: '-1e400' }), detail: 'price is not finite: -Infinity' },
    {
      kind: 'count 1e400',
      value: order({ count: '1e400' }),
      detail: 'field "count" must be a positive integer, got Infinity',
    },
    { kind: 'timestamp 1e400', value: order({ timestamp: '1e400' }), detail: 'timestamp is not finite: Infinity' },
    {
      kind: 'a negative count',
      value: order({ count: '-2' }),
      detail: 'field "count" must be a positive integer, got -2',
    },
    {
      kind: 'a fractional count',
      value: order({ count: '2.5' }),
      detail: 'field "count" must be a positive integer, got 2.5',
    },
    { kind: 'a zero count', value: order({ count: '0' }), detail: 'field "count" must be a positive integer, got 0' },
    {
      kind: 'a count that is true',
      value: order({ count: 'true' }),
      detail: 'field "count" must be a positive integer, got boolean',
    },
    {
      kind: 'a price with 3 decimals',
      value: order({ price: '9.999' }),
      detail: 'price has more than 2 decimals: 9.999',
    },
    { kind: 'a negative price', value: order({ price: '-9.99' }), detail: 'price is negative: -9.99' },
    { kind: 'a null price', value: order({ price: 'null' }), detail: 'field "price" must be a number, got null' },
    {
      kind: 'orderid 2^53',
      value: order({ orderid: '9007199254740992' }),
      detail: 'field "orderid" must be a non-negative safe integer, got 9007199254740992',
    },
    {
      kind: 'a negative orderid',
      value: order({ orderid: '-1' }),
      detail: 'field "orderid" must be a non-negative safe integer, got -1',
    },
    {
      kind: 'a fractional orderid',
      value: order({ orderid: '1.5' }),
      detail: 'field "orderid" must be a non-negative safe integer, got 1.5',
    },
    {
      kind: 'price × count beyond exact sums',
      value: order({ price: '1000000000000', count: '10000' }),
      detail: 'price × count is too large to sum exactly: 1000000000000 × 10000',
    },
    { kind: 'a missing timestamp', value: order({ timestamp: undefined }), detail: 'missing field "timestamp"' },
    // Times
    {
      kind: 'timestamp in milliseconds',
      value: order({ timestamp: '1735689630000' }),
      detail:
        'timestamp 1735689630000 is outside 2000-01-01..2100-01-01 (looks like epoch milliseconds; epoch seconds are expected)',
    },
    {
      kind: 'timestamp in microseconds',
      value: order({ timestamp: '1735689630000000' }),
      detail: 'timestamp 1735689630000000 is outside 2000-01-01..2100-01-01',
    },
    {
      kind: 'one second before 2000',
      value: order({ timestamp: '946684799' }),
      detail: 'timestamp 946684799 is outside 2000-01-01..2100-01-01',
    },
    { kind: 'the epoch', value: order({ timestamp: '0' }), detail: 'timestamp 0 is outside 2000-01-01..2100-01-01' },
    {
      kind: 'the first second of 2100',
      value: order({ timestamp: '4102444800' }),
      detail: 'timestamp 4102444800 is outside 2000-01-01..2100-01-01',
    },
    {
      kind: 'a negative timestamp',
      value: order({ timestamp: '-1735689630' }),
      detail: 'timestamp -1735689630 is outside 2000-01-01..2100-01-01',
    },
    {
      kind: 'an ISO-8601 timestamp',
      value: order({ timestamp: '"2025-01-01T00:00:30Z"' }),
      detail: 'field "timestamp" must be a number (epoch seconds), got string "2025-01-01T00:00:30Z"',
    },
    // Prototype keys
    {
      kind: '__proto__ before the fields',
      value: `{"__proto__":{"polluted":true},${order().slice(1)}`,
      detail: `forbidden key "__proto__" at $ ${PROTO}`,
    },
    {
      kind: 'constructor.prototype nested in an extra member',
      value: order({}, ',"meta":{"constructor":{"prototype":{"polluted":true}}}'),
      detail: `forbidden key "constructor" at $.meta ${PROTO}`,
    },
    { kind: 'a prototype key', value: order({}, ',"prototype":1'), detail: `forbidden key "prototype" at $ ${PROTO}` },
    {
      kind: '__proto__ spelled with escapes',
      value: `{"\\u005f\\u005fproto\\u005f\\u005f":{"polluted":true},${order().slice(1)}`,
      detail: `forbidden key "__proto__" at $ ${PROTO}`,
    },
    {
      kind: '__proto__ inside an array',
      value: order({}, ',"tags":[{"__proto__":{}}]'),
      detail: `forbidden key "__proto__" at $.tags[0] ${PROTO}`,
    },
    // Sizes
    {
      kind: 'one byte over the record limit',
      value: paddedOrder(LIMIT + 1),
      detail: tooLong(LIMIT + 1),
      raw: paddedOrder(LIMIT + 1).slice(0, RAW_LIMIT),
      rawBytes: LIMIT + 1,
    },
    // Kafka only
    { kind: 'a tombstone', value: null, detail: 'record has no value (tombstone)', raw: '', kafkaOnly: true },
    {
      kind: 'a tombstone with a 1 MB key',
      value: null,
      key: Buffer.alloc(1_000_000, 0x6b),
      detail: 'record has no value (tombstone)',
      raw: '',
      kafkaOnly: true,
    },
    {
      kind: 'a 5 MB key on a valid order',
      value: order(),
      key: Buffer.alloc(5_000_000, 0x6b),
      detail: 'key is 5000000 bytes, more than the limit of 4096',
      kafkaOnly: true,
    },
    {
      kind: 'a key one byte over its limit on a valid order',
      value: order(),
      key: 'k'.repeat(4097),
      detail: 'key is 4097 bytes, more than the limit of 4096',
      kafkaOnly: true,
    },
    {
      kind: 'a 1 MB key on a 9 MB value',
      value: paddedOrder(9_000_000),
      key: Buffer.alloc(1_000_000, 0x6b),
      detail: `key is 1000000 bytes, more than the limit of 4096; ${tooLong(9_000_000)}`,
      raw: paddedOrder(9_000_000).slice(0, RAW_LIMIT),
      rawBytes: 9_000_000,
      kafkaOnly: true,
    },
  ];
  for (let i = 0; i < Math.max(1, hugeCopies); i++) corpus.push(...huge);
  return corpus;
}

/** The dead letter's `raw` for a record of the corpus. */
export function expectedRaw(h: HostileRecord): string {
  return h.raw ?? (h.value === null ? '' : h.value.toString('utf8'));
}

/** Whether a dead letter's detail is the one the corpus says. */
export function detailMatches(h: HostileRecord, detail: string): boolean {
  if (typeof h.detail === 'string') return detail === h.detail;
  return (
    detail.startsWith(h.detail.startsWith) && (h.detail.endsWith === undefined || detail.endsWith(h.detail.endsWith))
  );
}

/** Where a record of the corpus was put among the valid ones. */
export interface PlacedRecord {
  readonly partition: number;
  readonly position: number;
  readonly hostile: HostileRecord;
}

export interface HostileLayout {
  /** Per partition, its records in order: file lines or Kafka messages. */
  readonly partitions: Map<number, TopicValue[]>;
  /** The same records as the reference reads them: the text, or `undefined` for a record that has none (no value, not UTF-8, a key over 4096 bytes). */
  readonly reference: Map<number, (string | undefined)[]>;
  readonly placed: PlacedRecord[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function referenceText(h: HostileRecord): string | undefined {
  if (h.value === null) return undefined;
  if (h.key !== undefined && Buffer.byteLength(h.key) > 4096) return undefined;
  if (typeof h.value === 'string') return h.value;
  try {
    return utf8.decode(h.value);
  } catch {
    return undefined;
  }
}

/**
 * Spreads the corpus over the partitions of `good` (record i to partition i mod n), evenly between
 * the valid lines and never first (a file's first line may begin with a BOM that is dropped).
 */
export function interleave(
  good: ReadonlyMap<number, readonly string[]>,
  hostile: readonly HostileRecord[],
): HostileLayout {
  const ids = [...good.keys()].sort((a, b) => a - b);
  const partitions = new Map<number, TopicValue[]>();
  const reference = new Map<number, (string | undefined)[]>();
  const placed: PlacedRecord[] = [];
  for (const [index, partition] of ids.entries()) {
    const lines = good.get(partition) ?? [];
    const mine = hostile.filter((_h, i) => i % ids.length === index);
    const step = Math.max(1, Math.floor(lines.length / (mine.length + 1)));
    const out: TopicValue[] = [];
    const ref: (string | undefined)[] = [];
    let next = 0;
    const put = (h: HostileRecord): void => {
      placed.push({ partition, position: out.length, hostile: h });
      out.push(h.key === undefined ? h.value : { key: h.key, value: h.value });
      ref.push(referenceText(h));
    };
    lines.forEach((line, i) => {
      out.push(line);
      ref.push(line);
      const h = mine[next];
      if ((i + 1) % step === 0 && h !== undefined) {
        put(h);
        next++;
      }
    });
    for (const h of mine.slice(next)) put(h);
    partitions.set(partition, out);
    reference.set(partition, ref);
  }
  return { partitions, reference, placed };
}

/** Valid orders (with the generator's own late, duplicate and malformed ones) in three partitions by shop. */
export function goodOrders(count: number, seed: number): Map<number, string[]> {
  const out = new Map<number, string[]>([0, 1, 2].map((p) => [p, []]));
  for (const { line } of generateOrders({
    count,
    seed,
    startMs: Date.UTC(2025, 0, 1),
    ordersPerSecond: 20,
    faultShare: 0.05,
  })) {
    const shop = /"shopid":(\d+)/.exec(line);
    (out.get(shop === null ? 0 : Number(shop[1]) % 3) as string[]).push(line);
  }
  return out;
}

/** Checks one corpus record's dead letter; returns what is wrong, or undefined. */
export function wrongDeadLetter(
  p: PlacedRecord,
  d: { reason: string; detail: string; raw: string; rawBytes: number | undefined } | undefined,
): string | undefined {
  const h = p.hostile;
  const where = `${h.kind} (partition ${p.partition}, position ${p.position})`;
  if (d === undefined) return `${where}: no dead letter`;
  if (d.reason !== 'invalid') return `${where}: reason ${d.reason}`;
  if (!detailMatches(h, d.detail))
    return `${where}: detail ${JSON.stringify(d.detail)}, expected ${JSON.stringify(h.detail)}`;
  if (d.raw !== expectedRaw(h))
    return `${where}: raw ${JSON.stringify(d.raw.slice(0, 80))}…, expected ${JSON.stringify(expectedRaw(h).slice(0, 80))}…`;
  if (d.rawBytes !== h.rawBytes) return `${where}: raw_bytes ${d.rawBytes}, expected ${h.rawBytes}`;
  if (Buffer.byteLength(d.raw) > 4096) return `${where}: raw of ${Buffer.byteLength(d.raw)} bytes`;
  return undefined;
}
