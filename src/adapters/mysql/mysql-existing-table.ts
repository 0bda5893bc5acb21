import type { Connection, RowDataPacket } from 'mysql2/promise';
import type { ExistingColumn, ExistingTable, TextStorage } from '../sql/table-drift';

/** The only encoding and collation in which a text column stores and compares keys as the job's table does. */
const TEXT_COLLATION = 'utf8mb4_bin';
/** utf8mb4 takes up to 4 bytes a character: a TEXT type of n bytes surely holds n / 4 characters. */
const BYTES_PER_CHARACTER = 4;
/** MEDIUMTEXT's bytes, counted in characters: what a `longText` column needs. */
export const MEDIUMTEXT_CHARACTERS = Math.floor(16_777_215 / BYTES_PER_CHARACTER);

const TEXT_TYPES = new Set(['tinytext', 'text', 'mediumtext', 'longtext']);
/** `bigint(20)`: MariaDB and MySQL 5 spell integer types with a display width, which changes nothing stored. */
const INTEGER_DISPLAY_WIDTH = /^(TINYINT|SMALLINT|MEDIUMINT|INT|BIGINT)\(\d+\)/;
const CURRENT_TIME = /^current_timestamp(\(\d\))?$/i;

const COLUMNS = `SELECT COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType,
    CHARACTER_MAXIMUM_LENGTH AS chars, CHARACTER_OCTET_LENGTH AS bytes, COLLATION_NAME AS collation,
    IS_NULLABLE AS nullable, COLUMN_DEFAULT AS def, EXTRA AS extra
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const PRIMARY_KEY = `SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS
  WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`;

/** The table's columns and primary key, from information_schema; `undefined` when there is no such table. */
export async function describeMySqlTable(connection: Connection, table: string): Promise<ExistingTable | undefined> {
  const [columns] = await connection.query<RowDataPacket[]>(COLUMNS, [table]);
  if (columns.length === 0) return undefined;
  const [key] = await connection.query<RowDataPacket[]>(PRIMARY_KEY, [table]);
  return { columns: columns.map(existingColumn), primaryKey: key.map((r) => String(r.name)) };
}

function existingColumn(r: RowDataPacket): ExistingColumn {
  const dataType = String(r.dataType).toLowerCase();
  const extra = String(r.extra ?? '').toLowerCase();
  // MariaDB spells "no default" as SQL NULL and a NULL default as the text 'NULL'.
  const def = r.def === null || r.def === undefined ? undefined : String(r.def);
  const collation = r.collation === null || r.collation === undefined ? undefined : String(r.collation);
  let type = String(r.columnType).toUpperCase().replace(INTEGER_DISPLAY_WIDTH, '$1');
  if (collation !== undefined && collation !== TEXT_COLLATION) type = `${type} COLLATE ${collation}`;
  return {
    name: String(r.name),
    type,
    nullable: String(r.nullable) === 'YES',
    filled: def !== undefined || extra.includes('auto_increment') || extra.includes('generated'),
    ...(def !== undefined && CURRENT_TIME.test(def) ? { stamp: def.toUpperCase() } : {}),
    ...textStorage(dataType, Number(r.chars), Number(r.bytes), collation),
  };
}

function textStorage(
  dataType: string,
  chars: number,
  bytes: number,
  collation: string | undefined,
): { text?: TextStorage } {
  if (collation !== TEXT_COLLATION) return {};
  if (dataType === 'varchar') return { text: { capacity: chars, padded: false } };
  if (dataType === 'char') return { text: { capacity: chars, padded: true } };
  if (TEXT_TYPES.has(dataType)) return { text: { capacity: Math.floor(bytes / BYTES_PER_CHARACTER), padded: false } };
  return {};
}
