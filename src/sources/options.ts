import type { SalesforceClient } from '../client/client.js';

/** What every source operation accepts: which connection to use (an instance, a registered name, or the default). */
export interface SourceOptions {
  /** A client, the name it was registered under, or nothing for the default connection. */
  client?: SalesforceClient | string;
}

/** The outcome of one successful single-record save. Failures go down the error channel as typed errors. */
export interface SaveResult {
  id: string;
  success: true;
  /** true when the save created the record (insert, or an upsert that found no match). */
  created?: boolean;
  /** true when `onlyChanges` found nothing to send, so no request was made. */
  unchanged?: true;
}

/** The outcome of a delete. */
export interface DeleteResult {
  id: string;
  success: true;
}
