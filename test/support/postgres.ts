import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL_BASE = 'postgres://postgres@127.0.0.1:5432';

export interface TestPgDatabase {
  readonly name: string;
  /** `postgres://…/<name>`: the database does not exist yet; the sink creates it. */
  readonly url: string;
  query(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  drop(): Promise<void>;
}

async function admin<T>(body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${POSTGRES_URL_BASE}/postgres`, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is not reachable at 127.0.0.1:5432 as user postgres (trust auth): start it (e.g. \`service postgresql start\`). ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** Fails with what to start when PostgreSQL does not answer (the services' global setup asks before any test). */
export async function checkPostgres(): Promise<void> {
  await admin(async () => undefined);
}

/** A uniquely named database for one test; `drop` removes it (and ends its connections). */
export async function createTestPgDatabase(): Promise<TestPgDatabase> {
  const name = `hexstream_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(async () => undefined);
  const url = `${POSTGRES_URL_BASE}/${name}`;
  return {
    name,
    url,
    query: async (sql, params) => {
      // timestamptz columns render in the session's zone: UTC, whatever the server's default.
      const client = new pg.Client({ connectionString: url, options: '-c TimeZone=UTC' });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
      } finally {
        await client.end();
      }
    },
    drop: () => admin(async (c) => void (await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
