/**
 * `/sobjects/{T}/updated` and `/deleted` (getUpdated / getDeleted): ids created, changed or deleted in a window, matched
 * on SystemModstamp (LastModifiedDate where an object has none), as Salesforce answers them:
 * - seconds are ignored in both `start` and `end` (12:30:15 is read as 12:30:00), and `start` must precede `end`
 *   (INVALID_REPLICATION_DATE otherwise);
 * - `start` may reach back 30 days (updated) or 15 days (deleted) before the day of the call;
 * - deletes come from the Recycle Bin: once a row deleted at or after `start` has been purged from it, the window
 *   cannot be answered any more (INVALID_REPLICATION_DATE; the client resyncs the whole object);
 *   `earliestDateAvailable` is the deletion time of the last row purged for good;
 * - `latestDateCovered` is the last whole minute covered (never past `end` nor the org's clock);
 * - more than 600,000 ids → EXCEEDED_ID_LIMIT.
 */
import type { Core } from '../core.js';
import { formatDatetime, parseDatetime } from '../dates.js';
import type { ObjectSchema, RouteContext, StoredRecord } from '../types.js';
import { SfHttpError } from '../types.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** > 600,000 ids in one answer → EXCEEDED_ID_LIMIT. */
const MAX_IDS = 600_000;
/** How far back `start` may go, in days before the day of the call. */
const MAX_DAYS = { updated: 30, deleted: 15 } as const;

const toMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;

function windowParam(ctx: RouteContext, name: 'start' | 'end'): number {
  const text = ctx.query.get(name);
  if (!text) throw new SfHttpError(400, 'MISSING_ARGUMENT', `${name} must be specified as a valid dateTime value`);
  const ms = parseDatetime(text);
  if (ms === undefined) {
    throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', `${name} is not a valid dateTime value: ${text}`);
  }
  return toMinute(ms);
}

export function replicationRoute(ctx: RouteContext, core: Core, s: ObjectSchema, kind: 'updated' | 'deleted'): void {
  if (ctx.req.method !== 'GET' && ctx.req.method !== 'HEAD') {
    throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.req.method ?? ''}' not allowed. Allowed are GET,HEAD`);
  }
  const start = windowParam(ctx, 'start');
  const end = windowParam(ctx, 'end');
  const now = core.now();
  if (start >= end) {
    throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', 'endDate must chronologically follow the startDate');
  }
  const today = Math.floor(now / DAY) * DAY;
  if (start < today - MAX_DAYS[kind] * DAY) {
    throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${MAX_DAYS[kind]} days ago`);
  }
  const stampField = s.fieldMap.has('systemmodstamp') ? 'SystemModstamp' : 'LastModifiedDate';
  const from = formatDatetime(start);
  const to = formatDatetime(Math.min(end, toMinute(now)));
  const inWindow = (r: StoredRecord) => {
    const stamp = String(r[stampField]);
    return stamp >= from && stamp < to;
  };
  if (kind === 'updated') {
    const ids: string[] = [];
    for (const r of core.store.scan(s.name)) {
      if (!inWindow(r)) continue;
      if (ids.push(r.Id) > MAX_IDS) throw tooMany();
    }
    ctx.json(200, { ids, latestDateCovered: to });
    return;
  }
  core.store.purgeRecycleBin();
  // the timestamp of the last row purged for good; before any purge, the log reaches back to the org's start
  const purged = core.store.purgedThrough(s.name);
  const earliest = purged === undefined ? core.startedAt : parseDatetime(purged)!;
  if (purged !== undefined && start < earliest) {
    throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', `startDate is before the earliest date available ` +
      `(${formatDatetime(earliest)}): deleted records were purged from the Recycle Bin since; replicate the whole object`);
  }
  const deletedRecords: { id: string; deletedDate: unknown }[] = [];
  for (const r of core.store.recycleBin(s.name)) {
    if (!inWindow(r)) continue;
    if (deletedRecords.push({ id: r.Id, deletedDate: r[stampField] }) > MAX_IDS) throw tooMany();
  }
  deletedRecords.sort((a, b) => String(a.deletedDate).localeCompare(String(b.deletedDate)) || a.id.localeCompare(b.id));
  ctx.json(200, { deletedRecords, earliestDateAvailable: formatDatetime(earliest), latestDateCovered: to });
}

const tooMany = () => new SfHttpError(400, 'EXCEEDED_ID_LIMIT',
  `more than ${MAX_IDS.toLocaleString('en-US')} ids in the window: choose start and end dates closer together`);
