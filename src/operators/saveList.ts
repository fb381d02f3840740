import { concat, defer, EMPTY, filter, map, of, tap, type Observable } from 'rxjs';
import type { RecordOf, SObjectModel } from '../model/index.js';
import { invalid } from '../sources/internal/invalid.js';
import { listPromise, preparedList } from './engine/operation.js';
import { notAttempted } from '../sources/collections/results.js';
import { updateSpec, insertSpec, upsertSpec } from './engine/specs.js';
import type { ListComplete, ListEvent, ListProgress, ListPromiseOptions, ListSaveResult, UpdateOptions } from '../sources/collections/types.js';

export interface SaveListOptions extends UpdateOptions {
  /** Upsert every record on this external id field instead of choosing update or insert by `Id`. */
  externalIdField?: string;
  /** Refuse records without an `Id` (before any request) instead of inserting them; not allowed with `externalIdField`. */
  updateOnly?: boolean;
}

function hasId(record: object): boolean {
  const id = (record as { Id?: unknown }).Id;
  return id !== undefined && id !== null && id !== '';
}

/**
 * Saves an array of records the way simple-salesforce's `save_list` does: an upsert on `externalIdField` when one is
 * named; otherwise updates for records with an `Id`, then inserts for the rest. Every record of both groups is
 * validated before the first request; results come back in input order. If the update requests fail and
 * `continueOnError` is off, the inserts are reported `NOT_ATTEMPTED`. With `updateOnly`, a record without an `Id`
 * fails the call before any request (rather than being skipped without a result).
 *
 * ```ts
 * import { saveList } from 'rxforce';
 * const results = await saveList(Account, [{ Id: '001…', Name: 'Renamed' }, { Name: 'New' }], { client });
 * ```
 */
export function saveList$<M extends SObjectModel<any>>(model: M, records: readonly Partial<RecordOf<M>>[], opts: SaveListOptions = {}): Observable<ListEvent<ListSaveResult>> {
  return defer(() => {
    const { externalIdField, updateOnly, ...listOpts } = opts;
    const total = opts.total ?? records.length;
    if (externalIdField !== undefined) {
      // The collections upsert has no update-only mode: it would create the records the caller said not to create.
      if (updateOnly) throw invalid('updateOnly cannot be combined with externalIdField: an upsert creates unmatched records', { sobject: model.apiName, field: 'updateOnly' });
      return preparedList(upsertSpec(model, externalIdField), records, { ...listOpts, total });
    }
    const updates: number[] = [];
    const inserts: number[] = [];
    records.forEach((r, i) => (hasId(r) ? updates : inserts).push(i));
    if (updateOnly && inserts.length > 0) {
      throw invalid('record has no Id and updateOnly is set, so it would be inserted', { sobject: model.apiName, field: 'Id', recordIndex: inserts[0] });
    }
    // Both groups are validated here, before anything is sent.
    const update$ = preparedList(updateSpec(model, opts.onlyChanges), updates.map((i) => records[i]), { ...listOpts, total }, updates);
    const insert$ = preparedList(insertSpec(model), inserts.map((i) => records[i]), { ...listOpts, total }, inserts);
    return mergePhases(records.length, total, [
      { positions: updates, events$: update$ },
      { positions: inserts, events$: insert$ },
    ], !!opts.continueOnError);
  });
}

/** Promise twin of {@link saveList$}. */
export function saveList<M extends SObjectModel<any>>(model: M, records: readonly Partial<RecordOf<M>>[], opts: SaveListOptions & ListPromiseOptions = {}): Promise<ListSaveResult[]> {
  return listPromise(saveList$(model, records, opts), opts.onChunk);
}

interface Phase {
  positions: readonly number[];
  events$: Observable<ListEvent<ListSaveResult>>;
}

/** Runs phases one after another, mapping their positions, counts and batch numbers onto the whole input. */
function mergePhases(count: number, total: number, phases: Phase[], continueOnError: boolean): Observable<ListEvent<ListSaveResult>> {
  return defer(() => {
    const results: ListSaveResult[] = new Array(count);
    const sum = { done: 0, failed: 0, notAttempted: 0, batches: 0 };
    let error: unknown;
    const runPhase = (phase: Phase): Observable<ListProgress> =>
      defer(() => {
        if (phase.positions.length === 0) return EMPTY;
        if (error !== undefined && !continueOnError) {
          phase.positions.forEach((p) => (results[p] = notAttempted(null, error)));
          sum.notAttempted += phase.positions.length;
          return EMPTY;
        }
        const base = { ...sum };
        let batches = 0;
        return phase.events$.pipe(
          tap((e) => {
            if (e.type === 'progress') batches = Math.max(batches, e.batch.index + 1);
            else {
              e.results.forEach((r, j) => (results[phase.positions[j]] = r));
              sum.done += e.done;
              sum.failed += e.failed;
              sum.notAttempted += e.notAttempted;
              sum.batches += batches;
              if (e.error !== undefined && error === undefined) error = e.error;
            }
          }),
          map((e): ListEvent<ListSaveResult> =>
            e.type === 'progress'
              ? {
                  ...e,
                  done: base.done + e.done,
                  failed: base.failed + e.failed,
                  total,
                  batch: { ...e.batch, index: base.batches + e.batch.index, first: phase.positions[e.batch.first] },
                }
              : e,
          ),
          // Phase completions are folded into the one final event below.
          filter((e): e is ListProgress => e.type === 'progress'),
        );
      });
    const complete$ = defer(() => {
      const event: ListComplete<ListSaveResult> = { type: 'complete', results, ...sumOf(sum), ...(error !== undefined ? { error } : {}) };
      return of(event);
    });
    return concat(...phases.map(runPhase), complete$);
  });
}

function sumOf(sum: { done: number; failed: number; notAttempted: number }) {
  return { done: sum.done, failed: sum.failed, notAttempted: sum.notAttempted };
}
