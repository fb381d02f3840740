/** `/sobjects/{T}/updated` and `/deleted`: ids changed or deleted in a window, by SystemModstamp. */
import type { Core } from '../core.js';
import { formatDatetime, parseDatetime } from '../dates.js';
import type { ObjectSchema, RouteContext } from '../types.js';
import { SfHttpError } from '../types.js';

const DAY = 86_400_000;
/** > 600,000 ids in one answer → EXCEEDED_ID_LIMIT. */
const MAX_IDS = 600_000;

export function replicationRoute(ctx: RouteContext, core: Core, s: ObjectSchema, kind: 'updated' | 'deleted'): void {
  const startText = ctx.query.get('start');
  const endText = ctx.query.get('end');
  const start = startText ? parseDatetime(startText) : undefined;
  const end = endText ? parseDatetime(endText) : undefined;
  if (start === undefined || end === undefined) {
    throw new SfHttpError(400, 'MISSING_ARGUMENT', 'start and end must be specified as valid dateTime values');
  }
  const now = core.now();
  const maxBack = kind === 'updated' ? 30 * DAY : 15 * DAY;
  if (start < now - maxBack) {
    throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${maxBack / DAY} days ago`);
  }
  if (end < start) throw new SfHttpError(400, 'INVALID_REPLICATION_DATE', 'endDate must chronologically follow the startDate');
  // Salesforce covers whole minutes only
  const covered = Math.min(Math.floor(end / 60000) * 60000, Math.floor(now / 60000) * 60000);
  const from = formatDatetime(start);
  const to = formatDatetime(covered);
  const rows = [...core.store.scan(s.name, { includeDeleted: true })].filter(r =>
    !!r.IsDeleted === (kind === 'deleted') && String(r.SystemModstamp) >= from && String(r.SystemModstamp) < to);
  if (rows.length > MAX_IDS) throw new SfHttpError(400, 'EXCEEDED_ID_LIMIT', 'too many ids');
  if (kind === 'updated') {
    ctx.json(200, { ids: rows.map(r => r.Id), latestDateCovered: to });
  } else {
    ctx.json(200, { deletedRecords: rows.map(r => ({ id: r.Id, deletedDate: r.SystemModstamp })),
      earliestDateAvailable: formatDatetime(core.startedAt), latestDateCovered: to });
  }
}
