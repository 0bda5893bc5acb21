import type { MessageKeyOf } from '../composition/produce-io';

/**
 * The Kafka message key of a generated record, per job: records of one key land in one partition,
 * so per-key order holds. A job not listed here is produced without keys (round robin).
 */
export const MESSAGE_KEYS: ReadonlyMap<string, MessageKeyOf> = new Map<string, MessageKeyOf>([
  ['orders', jsonIntegerField('shopid')],
  ['stock-averages', tradeSymbol],
  ['ohlc', jsonStringField('symbol')],
  ['top-price', jsonStringField('symbol')],
  ['price-stats', jsonStringField('symbol')],
]);

/** Key = a trade's symbol: the first field of a CSV line, or `stockName` of a JSON one. */
function tradeSymbol(line: string): string | undefined {
  const text = line.trim();
  if (text.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      const name: unknown =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>).stockName : undefined;
      return typeof name === 'string' && name !== '' ? name : undefined;
    } catch {
      return undefined;
    }
  }
  const symbol = text.split(',', 1)[0]?.trim() ?? '';
  return symbol === '' ? undefined : symbol;
}

/** Key = a non-empty string field of a JSON object line; anything else has no key. */
function jsonStringField(name: string): MessageKeyOf {
  return (line) => {
    try {
      const value: unknown = JSON.parse(line);
      const field: unknown =
        typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
      return typeof field === 'string' && field !== '' ? field : undefined;
    } catch {
      return undefined;
    }
  };
}

/** Key = the decimal text of an integer field of a JSON object line; anything else has no key. */
function jsonIntegerField(name: string): MessageKeyOf {
  return (line) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const field: unknown = (value as Record<string, unknown>)[name];
    return typeof field === 'number' && Number.isSafeInteger(field) ? String(field) : undefined;
  };
}
