import { randomBytes } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { acquireSession, createMySqlPool, parseMySqlUrl, redactMySqlUrl } from '../../../src/adapters/mysql/mysql-pool';
import { createTestDatabase } from '../../support/mariadb';

describe('parseMySqlUrl', () => {
  it('reads host, port, user, a percent-encoded password and the database', () => {
    expect(parseMySqlUrl('mysql://etl%40ops:p%40ss%3Aw%2Frd@db.example:3307/hexstream_prod')).toEqual({
      host: 'db.example',
      port: 3307,
      user: 'etl@ops',
      password: 'p@ss:w/rd',
      database: 'hexstream_prod',
    });
    expect(parseMySqlUrl('mysql://root@[::1]/db')).toMatchObject({ host: '::1', port: 3306, password: '' });
  });

  it.each([
    ['not a URL', 'root:secret@localhost/db'],
    ['another scheme', 'postgres://root:secret@localhost/db'],
    ['no database', 'mysql://root:secret@localhost/'],
    ['a database name with a dash', 'mysql://root:secret@localhost/my-db'],
    ['a database name starting with a digit', 'mysql://root:secret@localhost/1db'],
    ['a database name with a quote', 'mysql://root:secret@localhost/d%60b'],
    ['an unencoded / in the password', 'mysql://root:sec/secret@localhost/db'],
    ['an unencoded @ in the password', 'mysql://root:sec@secret@localhost:x/db'],
  ])('rejects %s with CONFIG_INVALID and no password in the message', (_what, url) => {
    let error: unknown;
    try {
      parseMySqlUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).not.toContain('secret');
  });
});

describe('redactMySqlUrl', () => {
  it.each([
    ['mysql://u:secret@h:3306/d', 'mysql://u:***@h:3306/d'],
    ['mysql://u:sec/ret@h/d', 'mysql://u:***@h/d'],
    ['u:secret@h/d', 'u:***@h/d'],
    ['mysql://u@h/d', 'mysql://u@h/d'],
    ['mysql://h:3306/d', 'mysql://h:3306/d'],
  ])('masks the password of %p', (url, shown) => {
    expect(redactMySqlUrl(url)).toBe(shown);
  });
});

describe('createMySqlPool', () => {
  it('creates an absent database in utf8mb4 with binary collation, and sessions in UTC and strict mode', async () => {
    const admin = await createTestDatabase();
    const name = `hexstream_pool_${process.pid}_${randomBytes(4).toString('hex')}`;
    const pool = await createMySqlPool(admin.url.replace(admin.name, name));
    try {
      const [schema] = await admin.query(
        'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
        [name],
      );
      expect(schema).toEqual({ cs: 'utf8mb4', co: 'utf8mb4_bin' });
      const connection = await acquireSession(pool);
      try {
        const [rows] = await connection.query<RowDataPacket[]>(
          'SELECT @@session.time_zone AS tz, @@session.sql_mode AS mode, @@session.tx_isolation AS iso, DATABASE() AS db, CAST(1 AS DECIMAL(20,2)) AS d, CAST(9007199254740993 AS SIGNED) AS b',
        );
        expect(rows[0]).toMatchObject({
          tz: '+00:00',
          iso: 'READ-COMMITTED',
          db: name,
          d: '1.00',
          b: '9007199254740993',
        });
        expect(String(rows[0]?.mode)).toContain('STRICT_ALL_TABLES');
        expect(String(rows[0]?.mode)).not.toContain('NO_BACKSLASH_ESCAPES');
      } finally {
        connection.release();
      }
    } finally {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.drop();
    }
  });
});
