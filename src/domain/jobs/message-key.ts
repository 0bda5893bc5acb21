/**
 * Kafka keys of produced input records (`JobIo.partitionKey`): records of one key land in one
 * partition, so per-key order holds. A record the key cannot be read from has none (round robin).
 */
export type PartitionKeyOf = (text: string) => string | undefined;

/** Key = a non-empty string field of a JSON object line; anything else has no key. */
export function jsonStringField(name: string): PartitionKeyOf {
  return (line) => {
    const field = jsonObjectField(line, name);
    return typeof field === 'string' && field !== '' ? field : undefined;
  };
}

/** Key = the decimal text of an integer field of a JSON object line; anything else has no key. */
export function jsonIntegerField(name: string): PartitionKeyOf {
  return (line) => {
    const field = jsonObjectField(line, name);
    return typeof field === 'number' && Number.isSafeInteger(field) ? String(field) : undefined;
  };
}

/** Key = the first field of a CSV line, trimmed; an empty one is no key. */
export function csvFirstField(line: string): string | undefined {
  const first = line.trim().split(',', 1)[0]?.trim() ?? '';
  return first === '' ? undefined : first;
}

/** The field `name` of a line that is a JSON object; undefined for anything else. */
function jsonObjectField(line: string, name: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[name];
}
