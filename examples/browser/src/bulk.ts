/** A Bulk API 2.0 insert with its progress on screen: each job state as polling sees it, then the results. */
import { exhaustMap, fromEvent, type Observable, tap } from 'rxjs';
import { bulkInsert$, type BulkIngestEvent, type SalesforceClient } from '../../../src/index.js';
import { Account } from './model.js';

export interface BulkView {
  count: HTMLInputElement;
  start: HTMLButtonElement;
  state: HTMLElement;
  progress: HTMLProgressElement;
  log: HTMLOListElement;
}

type Row = { Name: string };

/** Starts a job per click (none while one runs) and renders its events. */
export function bulkPage$(client: SalesforceClient, view: BulkView, onError: (e: unknown) => void): Observable<unknown> {
  return fromEvent(view.start, 'click').pipe(exhaustMap(() => {
    const total = Math.max(1, Math.min(100_000, Number(view.count.value) || 1));
    const stamp = new Date().toISOString().slice(11, 19);
    const rows: Row[] = Array.from({ length: total }, (_, i) => ({ Name: `Bulk ${stamp} #${i + 1}` }));
    view.start.disabled = true;
    view.log.replaceChildren();
    view.progress.max = total;
    view.progress.value = 0;
    return bulkInsert$(Account, rows, { client, polling: { initialMs: 250, factor: 1.5, maxMs: 2_000 } }).pipe(
      tap({
        next: e => show(view, e, total),
        error: e => { view.state.textContent = 'Job failed'; onError(e); },
        finalize: () => { view.start.disabled = false; },
      }),
    );
  }));
}

function show(view: BulkView, e: BulkIngestEvent<Row>, total: number): void {
  if (e.type === 'upload') {
    view.state.textContent = `Uploaded ${e.records} records`;
    return;
  }
  if (e.type === 'job') {
    const processed = e.job.numberRecordsProcessed ?? 0;
    view.progress.value = processed;
    view.state.textContent = `${e.job.state}: ${processed} of ${total} processed`;
    const item = document.createElement('li');
    item.textContent = e.job.state;
    view.log.append(item);
    return;
  }
  if (e.type === 'result') {
    view.progress.value = total;
    view.state.textContent = `${e.job.state}: ${e.successful.length} created, ${e.failed.length} failed`;
  }
}
