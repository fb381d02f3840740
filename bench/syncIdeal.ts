/**
 * The ideal bound of an initial load into a mirror: raw axios runs one Bulk API 2.0 query job of the same columns the
 * mirror holds (poll 100 ms, pages of 50k downloaded as CSV), csv-parse reads each page, and the rows go into the
 * database with raw batched inserts (SQLite: one prepared INSERT per row, a transaction per page; Postgres: multi-row
 * INSERTs of 1,000 rows, a transaction per page). Nothing else: no checkpoint, no type mapping beyond what the
 * database needs (numbers as numbers, booleans as 0/1 or true/false, empty as NULL), no schema work inside the clock.
 */
import { parse } from 'csv-parse/sync';
import { rawHttp } from './rawOrg.js';

export const POLL_MS = 100;
export const PAGE_RECORDS = 50_000;
const PG_ROWS_PER_INSERT = 1000;

/** A column as the ideal creates it and converts values for it. */
export interface IdealColumn { name: string; kind: 'text' | 'number' | 'boolean' }

/** Counts the rows a raw bulk query brings back page by page, handing each parsed page to `sink`. */
export async function rawBulkQuery(loginUrl: string, soql: string, sink: (rows: string[][]) => Promise<void> | void): Promise<number> {
  const http = await rawHttp(loginUrl, '/services/data/v62.0/');
  const { data: job } = await http.post<{ id: string }>('jobs/query', { operation: 'query', query: soql, contentType: 'CSV' });
  for (;;) {
    const { data } = await http.get<{ state: string; errorMessage?: string }>(`jobs/query/${job.id}`);
    if (data.state === 'JobComplete') break;
    if (data.state === 'Failed' || data.state === 'Aborted') throw new Error(`ideal query job ${data.state}: ${data.errorMessage ?? ''}`);
    await new Promise(r => setTimeout(r, POLL_MS));
  }
  let total = 0;
  let locator: string | undefined;
  do {
    const res = await http.get<string>(`jobs/query/${job.id}/results`, { params: { maxRecords: PAGE_RECORDS, ...(locator ? { locator } : {}) },
      responseType: 'text', transformResponse: r => r as unknown });
    const rows = parse(res.data, { from_line: 2 }) as string[][];
    await sink(rows);
    total += rows.length;
    locator = res.headers['sforce-locator'] as string | undefined;
  } while (locator && locator !== 'null');
  return total;
}

const convert = (c: IdealColumn, v: string | undefined): unknown =>
  v === undefined || v === '' ? null : c.kind === 'number' ? Number(v) : c.kind === 'boolean' ? v === 'true' : v;

/** The ideal load into a fresh SQLite file: returns the rows loaded. */
export async function idealSqlite(loginUrl: string, object: string, columns: IdealColumn[], path: string): Promise<number> {
  const Database = (await import('better-sqlite3')).default;
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const q = (n: string) => `"${n}"`;
    db.exec(`CREATE TABLE ${q(object)} (${columns.map(c => `${q(c.name)} ${c.kind === 'text' ? 'TEXT' : c.kind === 'number' ? 'NUMERIC' : 'INTEGER'}`
      + (c.name === 'Id' ? ' PRIMARY KEY' : '')).join(', ')})`);
    const insert = db.prepare(`INSERT INTO ${q(object)} VALUES (${columns.map(() => '?').join(', ')})`);
    const page = db.transaction((rows: string[][]) => {
      for (const row of rows) insert.run(columns.map((c, i) => { const v = convert(c, row[i]); return typeof v === 'boolean' ? Number(v) : v; }));
    });
    return await rawBulkQuery(loginUrl, `SELECT ${columns.map(c => c.name).join(', ')} FROM ${object}`, rows => { page(rows); });
  } finally {
    db.close();
  }
}

/** The ideal load into a fresh schema of a Postgres database: returns the rows loaded. */
export async function idealPostgres(loginUrl: string, object: string, columns: IdealColumn[], url: string, schema: string): Promise<number> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = (n: string) => `"${n}"`;
    const table = `${q(schema)}.${q(object)}`;
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`);
    await client.query(`CREATE TABLE ${table} (${columns.map(c => `${q(c.name)} ${c.kind === 'text' ? 'text' : c.kind === 'number' ? 'numeric' : 'boolean'}`
      + (c.name === 'Id' ? ' PRIMARY KEY' : '')).join(', ')})`);
    const names = columns.map(c => q(c.name)).join(', ');
    return await rawBulkQuery(loginUrl, `SELECT ${columns.map(c => c.name).join(', ')} FROM ${object}`, async rows => {
      await client.query('BEGIN');
      for (let at = 0; at < rows.length; at += PG_ROWS_PER_INSERT) {
        const batch = rows.slice(at, at + PG_ROWS_PER_INSERT);
        const values: unknown[] = [];
        const tuples = batch.map(row => `(${columns.map((c, i) => { values.push(convert(c, row[i])); return `$${values.length}`; }).join(', ')})`);
        await client.query(`INSERT INTO ${table} (${names}) VALUES ${tuples.join(', ')}`, values);
      }
      await client.query('COMMIT');
    });
  } finally {
    await client.end();
  }
}
