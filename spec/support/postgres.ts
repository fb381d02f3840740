/**
 * The Postgres server specs use: found through RXFORCE_TEST_PG_URL (`.ci/with-postgres CMD` starts a throwaway one and
 * sets it). Without it a spec is pending with a one-line reason, except under CI, where a missing server is a failure.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { envServerUrl, type EnvServer } from './outsideServer.js';

export const PG_URL_VARIABLE = 'RXFORCE_TEST_PG_URL';
export const POSTGRES: EnvServer = { name: 'Postgres', variable: PG_URL_VARIABLE, script: '.ci/with-postgres' };

/** The server's URL; when absent, marks the running spec pending (or fails it when `CI` is set). Call inside an `it`. */
export function postgresUrl(): string {
  return envServerUrl(POSTGRES);
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
