import { format } from 'mysql2/promise';
import type { SqlStatement } from './mysql-rows';

/**
 * The statements as the driver would send them: each one's values escaped into its text, as one
 * flat string, so a commit holds no value or array per row while it runs.
 *
 *   {sql: 'REPLACE … VALUES (?,?),…', params: [a, b, …]} ─▶ "REPLACE … VALUES ('a',1),…"
 *
 * A trigger of 50,000 rows waits, encoded, while the database writes the previous one and then
 * while it writes its own: as values (a string per decimal and instant, a slot per value, the
 * per-statement slices) it is some 20 MB of small objects; as text, a byte per character. The text
 * is the driver's own escaping with the pool's settings (`timezone: 'Z'` is moot: values are
 * strings and numbers), so the server receives the same bytes as when the driver inlined them.
 */
export function statementTexts(statements: readonly SqlStatement[]): string[] {
  return statements.map((s) => flatten(format(s.sql, s.params, false, 'Z')));
}

/**
 * The driver builds the text by appending pieces: a tree of some two cells per value, several
 * times the text's size, kept until the statement is sent. Reading a string as a number makes V8
 * copy it into one sequential string first (the result, NaN, is of no use).
 */
function flatten(text: string): string {
  Number(text);
  return text;
}
