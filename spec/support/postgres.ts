/**
 * The Postgres server specs use: found through RXFORCE_TEST_PG_URL (`.ci/with-postgres CMD` starts a throwaway one and
 * sets it). Without it a spec is pending with a one-line reason, except under CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL_VARIABLE = 'RXFORCE_TEST_PG_URL';

/** The server's URL; when absent, marks the running spec pending (or fails it when `CI` is set). Call inside an `it`. */
export function postgresUrl(): string {
  const url = process.env[PG_URL_VARIABLE];
  if (url) return url;
  if (process.env.CI) throw new Error(`${PG_URL_VARIABLE} is not set: CI must provide a Postgres server (.ci/with-postgres)`);
  pending(`no Postgres server: set ${PG_URL_VARIABLE} or run the spec through .ci/with-postgres`);
  throw new Error('unreachable: pending() throws');
}

/** Whether a server is configured (for a `beforeAll` that prepares something only a server needs). */
export function hasPostgres(): boolean {
  return Boolean(process.env[PG_URL_VARIABLE]);
}

/** A database of its own for one spec: created on the server at `url`, dropped (connections and all) by `drop()`. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(url: string = postgresUrl()): Promise<TestDatabase> {
  const name = `rxforce_spec_${randomBytes(6).toString('hex')}`;
  await withAdmin(url, c => c.query(`CREATE DATABASE ${name}`));
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    url: dbUrl.toString(), name,
    drop: () => withAdmin(url, c => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

async function withAdmin<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}
