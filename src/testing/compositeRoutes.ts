/**
 * Canned bodies and routes for the Composite family, search and Apex REST, in the shapes Salesforce answers with, so
 * `composite$`, `compositeBatch$`, `saveTree$`, `compositeGraph$`, `search$` and `apex$` run in virtual time.
 */
import { idChecksum, STANDARD_KEY_PREFIXES } from '../util/ids.js';
import { ok, sfError, type SfErrorEntry } from './bodies.js';
import { respond } from './respond.js';
import type { CannedResponse, LoggedRequest, Reply, Route } from './types.js';

/** One subrequest's answer inside `compositeResponse` (or a graph's). */
export interface CannedSubresponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

/** A subrequest as the composite route received it. */
export interface ReceivedSubrequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

/** What a script answers for one subrequest: status, body and (optional) headers. */
export interface SubAnswer { status: number; body?: unknown; headers?: Record<string, string> }

/** The answer under allOrNone for every subrequest but the failing one (wording observed from Salesforce). */
export const ROLLED_BACK: SfErrorEntry = { errorCode: 'PROCESSING_HALTED',
  message: 'The transaction was rolled back since another operation in the same transaction failed.' };

/** `PROCESSING_HALTED` for a reference with no value, as Salesforce words it. */
export function invalidReference(expression: string, referenceId: string): SubAnswer {
  return { status: 400, body: [{ errorCode: 'PROCESSING_HALTED',
    message: `Invalid reference specified. No value for ${expression} found in ${referenceId}` }] };
}

/** One entry of `compositeResponse`. */
export function subresponse(referenceId: string, status: number, body: unknown = null, headers: Record<string, string> = {}):
  CannedSubresponse {
  return { body, httpHeaders: headers, httpStatusCode: status, referenceId };
}

/** `200 {"compositeResponse":[…]}`. */
export function compositeAnswer(subs: CannedSubresponse[]): CannedResponse<{ compositeResponse: CannedSubresponse[] }> {
  return ok({ compositeResponse: subs });
}

/** `200 {"hasErrors":…,"results":[{statusCode, result}]}` of a Composite Batch. */
export function batchAnswer(results: Array<{ statusCode: number; result: unknown }>): CannedResponse<{ hasErrors: boolean;
  results: Array<{ statusCode: number; result: unknown }> }> {
  return ok({ hasErrors: results.some(r => r.statusCode >= 400), results });
}

/** `201` of an sObject Tree request: each referenceId with its new id. */
export function treeSaved(results: Array<{ referenceId: string; id: string }>): CannedResponse {
  return { status: 201, data: { hasErrors: false, results } };
}

/** `400` of an sObject Tree request: only the failing records, with `statusCode` errors. */
export function treeFailed(failures: Array<{ referenceId: string; errors: Array<{ statusCode: string; message: string; fields?: string[] }> }>):
  CannedResponse {
  return { status: 400, data: { hasErrors: true, results: failures } };
}

/** `200 {"graphs":[…]}` of a Composite Graph request. */
export function graphAnswer(graphs: Array<{ graphId: string; isSuccessful: boolean; compositeResponse: CannedSubresponse[] }>): CannedResponse {
  return ok({ graphs: graphs.map(g => ({ graphId: g.graphId, graphResponse: { compositeResponse: g.compositeResponse },
    isSuccessful: g.isSuccessful })) });
}

/** `200 {"searchRecords":[…]}`; records should carry `attributes.type` (see `sfRecord`). */
export function searchAnswer(records: Array<Record<string, unknown>>): CannedResponse<{ searchRecords: Array<Record<string, unknown>> }> {
  return ok({ searchRecords: records });
}

/** `404` an Apex REST call gets when no class maps the path. */
export function apexNotFound(path: string): CannedResponse<SfErrorEntry[]> {
  return sfError(404, 'NOT_FOUND', `Could not find a match for URL ${path}`);
}

const PREFIX_OF: Record<string, string> = Object.fromEntries(Object.entries(STANDARD_KEY_PREFIXES).map(([p, n]) => [n.toLowerCase(), p]));

/** Fake record ids for one route: valid 18-character ids with the object's key prefix, numbered in order. */
function idMaker(): (sobject: string) => string {
  let n = 0;
  return sobject => {
    const id15 = `${PREFIX_OF[sobject.toLowerCase()] ?? 'a00'}${String(++n).padStart(12, '0')}`;
    return id15 + idChecksum(id15);
  };
}

const SOBJECT_OF_URL = /\/sobjects\/([^/?]+)/;

/** The default answer of a subrequest: 201 with an id for a create, 204 for an update or delete, 200 `{}` otherwise. */
function defaultAnswer(nextId: (sobject: string) => string): (sub: ReceivedSubrequest) => SubAnswer {
  return sub => {
    const sobject = SOBJECT_OF_URL.exec(sub.url)?.[1];
    if (sub.method === 'POST' && sobject && /\/sobjects\/[^/?]+\/?$/.test(sub.url)) {
      return { status: 201, body: { id: nextId(sobject), success: true, errors: [] } };
    }
    if (sub.method === 'PATCH' || sub.method === 'DELETE') return { status: 204, body: null };
    return { status: 200, body: {} };
  };
}

function asReply(answer: (req: LoggedRequest) => CannedResponse, ...extra: Reply[]): Reply[] {
  return extra.length ? extra : [answer];
}

/**
 * A route for `POST /composite` answering each subrequest with `answer(sub, index, earlier)` (default: creates get
 * fresh ids, updates and deletes 204, reads `{}`). With allOrNone, a failing answer turns every other one into the
 * rolled-back 400, as Salesforce does. Pass replies instead to script the whole answer (marbles included).
 */
export function compositeRoute(answer?: (sub: ReceivedSubrequest, index: number) => SubAnswer | undefined, ...replies: Reply[]): Route {
  const nextId = idMaker();
  const fallback = defaultAnswer(nextId);
  return respond('POST', /\/composite$/, ...asReply(req => {
    const body = req.body as { allOrNone?: boolean; compositeRequest: ReceivedSubrequest[] };
    const subs = body.compositeRequest ?? [];
    const answers = subs.map((s, i) => answer?.(s, i) ?? fallback(s));
    const failed = answers.findIndex(a => a.status >= 400);
    return compositeAnswer(subs.map((s, i) => body.allOrNone && failed >= 0 && i !== failed
      ? subresponse(s.referenceId, 400, [ROLLED_BACK])
      : subresponse(s.referenceId, answers[i].status, answers[i].body ?? null, answers[i].headers)));
  }, ...replies));
}

/** A route for `POST /composite/batch`; `answer` per subrequest (default as in `compositeRoute`), haltOnError applied. */
export function compositeBatchRoute(answer?: (sub: { method: string; url: string; richInput?: unknown }, index: number) => SubAnswer | undefined,
  ...replies: Reply[]): Route {
  const fallback = defaultAnswer(idMaker());
  return respond('POST', /\/composite\/batch$/, ...asReply(req => {
    const body = req.body as { haltOnError?: boolean; batchRequests: Array<{ method: string; url: string; richInput?: unknown }> };
    let halted = false;
    return batchAnswer(body.batchRequests.map((s, i) => {
      if (halted) return { statusCode: 412, result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }] };
      const a = answer?.(s, i) ?? fallback({ ...s, referenceId: '' });
      if (a.status >= 400 && body.haltOnError) halted = true;
      return { statusCode: a.status, result: a.body ?? null };
    }));
  }, ...replies));
}

/**
 * A route for `POST /composite/tree/{SObject}`: every record gets a fresh id (201), unless `fail(record, referenceId)`
 * returns errors for one, which fails the request (400 with the failing records only).
 */
export function treeRoute(fail?: (record: Record<string, unknown>, referenceId: string) =>
  Array<{ statusCode: string; message: string; fields?: string[] }> | undefined, ...replies: Reply[]): Route {
  const nextId = idMaker();
  return respond('POST', /\/composite\/tree\/[^/]+$/, ...asReply(req => {
    const all: Array<{ record: Record<string, unknown>; type: string; referenceId: string; level: number }> = [];
    const walk = (records: unknown, level: number) => {
      for (const r of (Array.isArray(records) ? records : []) as Record<string, unknown>[]) {
        const attrs = r.attributes as { type: string; referenceId: string };
        all.push({ record: r, type: attrs.type, referenceId: attrs.referenceId, level });
        for (const v of Object.values(r)) if (v && typeof v === 'object' && 'records' in v) walk((v as { records: unknown }).records, level + 1);
      }
    };
    walk((req.body as { records?: unknown }).records, 1);
    const failures = all.flatMap(r => {
      const errors = fail?.(r.record, r.referenceId);
      return errors ? [{ referenceId: r.referenceId, errors }] : [];
    });
    if (failures.length) return treeFailed(failures);
    return treeSaved([...all].sort((a, b) => a.level - b.level).map(r => ({ referenceId: r.referenceId, id: nextId(r.type) })));
  }, ...replies));
}

/**
 * A route for `POST /composite/graph`: each node answered by `answer` (default as in `compositeRoute`); a graph with a
 * failing node is unsuccessful and its other nodes answer the rolled-back 400.
 */
export function graphRoute(answer?: (sub: ReceivedSubrequest, graphId: string) => SubAnswer | undefined, ...replies: Reply[]): Route {
  const fallback = defaultAnswer(idMaker());
  return respond('POST', /\/composite\/graph$/, ...asReply(req => {
    const body = req.body as { graphs: Array<{ graphId: string; compositeRequest: ReceivedSubrequest[] }> };
    return graphAnswer(body.graphs.map(g => {
      const answers = g.compositeRequest.map(s => answer?.(s, g.graphId) ?? fallback(s));
      const failed = answers.findIndex(a => a.status >= 400);
      return { graphId: g.graphId, isSuccessful: failed < 0, compositeResponse: g.compositeRequest.map((s, i) => failed >= 0 && i !== failed
        ? subresponse(s.referenceId, 400, [ROLLED_BACK])
        : subresponse(s.referenceId, answers[i].status, answers[i].body ?? null, answers[i].headers)) };
    }));
  }, ...replies));
}

/** A route for `GET /search?q=…` (and `/parameterizedSearch`) answering with these records, or a function of the request. */
export function searchRoute(records: Array<Record<string, unknown>> | ((req: LoggedRequest) => Array<Record<string, unknown>>),
  ...replies: Reply[]): Route {
  return respond('*', /\/(search|parameterizedSearch)\/?(\?|$)/, ...asReply(req => searchAnswer(typeof records === 'function'
    ? records(req) : records), ...replies));
}

/** A route for one Apex REST method: `apexRoute('GET', '/MyService/', ok({ … }))` (the path may be a RegExp). */
export function apexRoute(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*', path: string | RegExp, ...replies: Reply[]): Route {
  return respond(method, typeof path === 'string' ? `/services/apexrest${path}` : new RegExp(`/services/apexrest${path.source}`), ...replies);
}
