/** What the sink specs share: replication against the emulator for a number of rounds, and the org as a mirror sees it. */
import { lastValueFrom, takeWhile, toArray, type Observable } from 'rxjs';
import type { SalesforceClient } from '../../../src/client/client.js';
import { query } from '../../../src/sources/index.js';
import type { ReplicationEvent } from '../../../src/sync/index.js';

/** Events until `rounds` rounds (the full load counts as one) have been applied. */
export function untilRounds(events$: Observable<ReplicationEvent>, rounds: number): Promise<ReplicationEvent[]> {
  let seen = 0;
  return lastValueFrom(events$.pipe(
    takeWhile(e => { if (e.type === 'round') seen += 1; return !(e.type === 'round' && seen >= rounds); }, true),
    toArray(),
  ));
}

/** The org's live rows of `object` with `fields`, as plain values keyed by Id (datetimes as ISO 8601 in UTC). */
export async function orgRows(client: SalesforceClient, object: string, fields: string[]): Promise<Map<string, Record<string, unknown>>> {
  const rows = await query<Record<string, unknown>>(`SELECT ${['Id', ...fields].join(', ')} FROM ${object}`, { client });
  const out = new Map<string, Record<string, unknown>>();
  for (const r of rows) {
    const row: Record<string, unknown> = {};
    for (const f of fields) {
      const v = r[f];
      row[f] = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? new Date(v).toISOString() : v ?? null;
    }
    out.set(String(r.Id), row);
  }
  return out;
}

export async function insertAll(client: SalesforceClient, object: string, rows: Record<string, unknown>[]): Promise<string[]> {
  const ids: string[] = [];
  for (const data of rows) ids.push((await client.request<{ id: string }>({ method: 'POST', path: `sobjects/${object}`, data })).data.id);
  return ids;
}
