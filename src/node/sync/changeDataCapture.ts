/**
 * The Change Data Capture feed for `replicate$` (`changeEvents: changeDataCapture({ endpoint })`): each object's
 * channel (`/data/AccountChangeEvent`, `/data/Invoice__ChangeEvent`) over the Pub/Sub API, with the Pub/Sub errors
 * replication reacts to turned into its own.
 */
import { catchError, throwError } from 'rxjs';
import { changeEvents$ } from '../../sources/streaming/changeEvents.js';
import { PubSubError, ReplayIdExpiredError, type PubSubConnectionOptions } from '../../sources/streaming/connection.js';
import { ChangeFeedExpiredError, ChangeFeedUnavailableError, type ChangeEventFeed } from '../../sync/changeFeed.js';

export interface ChangeDataCaptureOptions extends Omit<PubSubConnectionOptions, 'client'> {
  /** Events owed at a time (num_requested), 1–100; default 100. */
  batchSize?: number;
}

/** The change event channel of an object: `Account` → `/data/AccountChangeEvent`, `Invoice__c` → `/data/Invoice__ChangeEvent`. */
export function changeEventChannel(object: string): string {
  return object.endsWith('__c') ? `/data/${object.slice(0, -3)}__ChangeEvent` : `/data/${object}ChangeEvent`;
}

/** gRPC NOT_FOUND and PERMISSION_DENIED: the channel does not exist or may not be read. */
const UNAVAILABLE_CODES = new Set([5, 7]);

/**
 * A change event feed over the Pub/Sub API for `replicate$`.
 *
 * ```ts
 * import { changeDataCapture, replicate$ } from 'rxforce/node';
 * replicate$('Account', { client, changeEvents: changeDataCapture() }).subscribe(e => …);
 * ```
 */
export function changeDataCapture(options: ChangeDataCaptureOptions = {}): ChangeEventFeed {
  return (object, { client, replayId, process, onOpen }) =>
    changeEvents$(changeEventChannel(object), {
      ...options, client, replay: replayId ? { replayId } : 'latest', process, onOpen,
    }).pipe(catchError((err: unknown) => {
      if (err instanceof ReplayIdExpiredError) return throwError(() => new ChangeFeedExpiredError(err.message));
      if (err instanceof PubSubError && UNAVAILABLE_CODES.has(err.code)) {
        return throwError(() => new ChangeFeedUnavailableError(err.message));
      }
      return throwError(() => err);
    }));
}
