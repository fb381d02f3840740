import { asyncScheduler, defer, map, mergeMap, of, catchError, throwError, timer, type Observable } from 'rxjs';
import type { SalesforceClient } from '../../client/client.js';
import { NetworkError, SalesforceApiError } from '../../client/errors.js';
import type { SfRequest } from '../../client/types.js';
import type { Batch, CollectionKind, Prepared } from './types.js';
import { saveInsert$ } from '../records/saveInsert.js';
import { saveUpdate$ } from '../records/saveUpdate.js';
import { saveUpsert$ } from '../records/saveUpsert.js';
import { ambiguous, deletedOnResend, lockedPositions, notAttempted, parseSaveResults, requestFailed } from './results.js';
import type { ListSaveResult } from './types.js';

export type SaveOp = 'insert' | 'update' | 'upsert' | 'delete';

export interface SaveKindConfig {
  op: SaveOp;
  allOrNone: boolean;
  lockRetries: number;
  lockRetryDelayMs: number;
  /** Upsert: the one sObject type and its external id field. */
  sobject?: string;
  externalIdField?: string;
  onlyChanges?: boolean;
  /** Called for each record saved successfully (change tracking). */
  onSaved?: (item: Prepared, result: ListSaveResult) => void;
}

/** The collection request for one batch. Create is a POST and never retried blindly; the rest are idempotent. */
export function collectionRequest(config: SaveKindConfig, items: Prepared[]): SfRequest {
  const { op, allOrNone } = config;
  switch (op) {
    case 'insert':
      return { method: 'POST', path: 'composite/sobjects', data: { allOrNone, records: items.map((i) => i.payload) } };
    case 'update':
      return { method: 'PATCH', path: 'composite/sobjects', idempotent: true, data: { allOrNone, records: items.map((i) => i.payload) } };
    case 'upsert':
      return {
        method: 'PATCH',
        path: `composite/sobjects/${encodeURIComponent(config.sobject!)}/${encodeURIComponent(config.externalIdField!)}`,
        idempotent: true,
        data: { allOrNone, records: items.map((i) => i.payload) },
      };
    case 'delete':
      return {
        method: 'DELETE',
        path: 'composite/sobjects',
        idempotent: true,
        params: { ids: items.map((i) => i.payload as string).join(','), allOrNone },
      };
  }
}

/**
 * A record carrying a blob goes alone through the single-record sources (multipart for insert/update); a 4xx is
 * that record's failure, not the batch's.
 */
function sendAlone$(client: SalesforceClient, config: SaveKindConfig, item: Prepared): Observable<ListSaveResult[]> {
  const model = item.model!;
  const record = stripTag(item.record as Record<string, unknown>);
  const single$ =
    config.op === 'insert'
      ? saveInsert$(model, record, { client })
      : config.op === 'update'
        ? saveUpdate$(model, record, { client, onlyChanges: config.onlyChanges })
        : saveUpsert$(model, record, config.externalIdField!, { client });
  return single$.pipe(
    map((r): ListSaveResult[] => [{ id: r.id, success: true, errors: [], ...(config.op === 'upsert' ? { created: !!r.created } : {}) }]),
    catchError((error: unknown) => {
      if (!(error instanceof SalesforceApiError) || error.status >= 500) return throwError(() => error);
      const errors = error.errors.map((e) => ({ statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] }));
      return of([{ id: idOf(item), success: false, errors }]);
    }),
  );
}

/**
 * Create, update, upsert or delete through sObject Collections. Records that come back UNABLE_TO_LOCK_ROW are sent
 * again on their own (the whole batch under allOrNone), up to `lockRetries` attempts with doubling delays on the
 * client's scheduler.
 */
export function saveKind(config: SaveKindConfig): CollectionKind<ListSaveResult> {
  return {
    maxBatchSize: 200,
    chunked: config.op !== 'upsert',
    isSuccess: (r) => r.success,
    failed: (item, error, never) => failedResult(config, item, error, never),
    send$(client: SalesforceClient, batch: Batch) {
      let attempts = 0;
      // `carried`: the failed attempts of every earlier request for these records (a lock retry is a new request,
      // but a delete done by an attempt of the first one whose answer was lost still counts as done)
      const attempt$ = (items: Prepared[], n: number, carried: readonly unknown[]): Observable<ListSaveResult[]> =>
        defer(() => {
          attempts++;
          if (items.length === 1 && items[0].alone) return sendAlone$(client, config, items[0]).pipe(map((results) => ({ results, earlier: carried })));
          return client.request$<unknown>(collectionRequest(config, items)).pipe(
            map((res) => {
              const earlier = [...carried, ...(res.retriedAfter ?? [])];
              const results = parseSaveResults(res.data, items.length);
              return { results: config.op === 'delete' ? deletedOnResend(results, earlier) : results, earlier };
            }),
          );
        }).pipe(
          mergeMap(({ results, earlier }) => {
            const again = n < config.lockRetries ? lockedPositions(results, config.allOrNone) : [];
            if (again.length === 0) return of(results);
            const delay = config.lockRetryDelayMs * 2 ** (n - 1);
            return timer(delay, client.scheduler ?? asyncScheduler).pipe(
              mergeMap(() => attempt$(again.map((p) => items[p]), n + 1, earlier).pipe(
                // records saved by an earlier attempt stay saved: only the re-sent ones take the request's failure
                catchError((error: unknown) => of(again.map((p) => failedResult(config, items[p], error, false)))),
              )),
              map((retried) => {
                const merged = results.slice();
                again.forEach((p, k) => (merged[p] = retried[k]));
                return merged;
              }),
            );
          }),
        );
      return attempt$(batch.items, 1, []).pipe(
        map((results) => {
          if (config.onSaved) batch.items.forEach((item, i) => results[i].success && config.onSaved!(item, results[i]));
          return { results, attempts };
        }),
      );
    },
  };
}

/** The result of an item whose request failed (or, with `never`, was not sent). */
function failedResult(config: SaveKindConfig, item: Prepared, error: unknown, never: boolean): ListSaveResult {
  const id = idOf(item);
  if (never) return notAttempted(id, error);
  // a create that left the client and lost its answer may exist in the org: say so instead of "failed". A gateway
  // error (502, 504) comes from a proxy in front of the org, which may have saved the records before the proxy gave up.
  if (config.op === 'insert' && ((error instanceof NetworkError && error.sent) || isGatewayError(error))) return ambiguous(error);
  return requestFailed(id, error);
}

function isGatewayError(error: unknown): boolean {
  return error instanceof SalesforceApiError && (error.status === 502 || error.status === 504);
}

function idOf(item: Prepared): string | null {
  if (typeof item.payload === 'string') return item.payload;
  const p = item.payload as { id?: unknown; Id?: unknown } | null;
  const id = p?.id ?? p?.Id;
  return typeof id === 'string' ? id : null;
}

function stripTag(record: Record<string, unknown>): Record<string, unknown> {
  if (!('attributes' in record)) return record;
  const { attributes: _attributes, ...rest } = record;
  return rest;
}
