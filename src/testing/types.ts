import type { Observable } from 'rxjs';
import type { HttpMethod, TransportRequest } from '../client/types.js';

/** A canned answer as a test writes it: the status, the body and (any case) headers. */
export interface CannedResponse<T = unknown> {
  status: number;
  data?: T;
  headers?: Record<string, string>;
}

/** What a route answers with: a value, a cold Observable (marbles), or a function of the request. */
export type Reply =
  | CannedResponse
  | Observable<CannedResponse>
  | ((req: LoggedRequest) => CannedResponse | Observable<CannedResponse>);

/** A method and a path pattern, matched against the instance-relative URL (`/services/data/v62.0/query?q=…`). */
export interface Route {
  method: HttpMethod | '*';
  pattern: RegExp | string;
  /** Answers in order, one per matching request; the last one repeats. */
  replies: Reply[];
  /** Requests this route has answered. */
  readonly hits: LoggedRequest[];
}

/** One request the fake transport received, for assertions. */
export interface LoggedRequest {
  method: HttpMethod;
  /** Absolute URL as sent. */
  url: string;
  /** Instance-relative path and query (`/services/data/v62.0/sobjects/Account/001…`). */
  path: string;
  /** The decoded query string. */
  query: Record<string, string>;
  headers: Record<string, string>;
  /** The body as sent (parsed JSON stays an object). */
  body: unknown;
  /** Virtual (or real) time when the request was sent, from the transport's scheduler. */
  time: number;
  /** The raw transport request. */
  raw: TransportRequest;
}
