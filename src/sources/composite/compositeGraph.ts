import { concatMap, defer, from, lastValueFrom, map, mergeMap, type Observable, toArray } from 'rxjs';
import { resolveClient, ValidationError } from '../../client/index.js';
import type { SourceOptions } from '../index.js';
import type { CompositeStep } from './builder.js';
import { type CompositeSubresponse, prepareSteps, toSubresponse, type WireSubrequest } from './build.js';

/** Per-payload limits of Composite Graph (v250 documentation). */
export const GRAPH_LIMITS = Object.freeze({
  /** graphs per payload */
  graphs: 75,
  /** nodes per graph, and per payload */
  nodes: 500,
  /** references chained through a graph */
  depth: 15,
  /** distinct nodes (API version × HTTP method × object) per payload */
  distinctNodes: 15,
});

/** One graph: its steps run all or nothing. */
export interface Graph {
  /** Unique in the call; generated (`graph{n}`) when left out. Starts with a letter or digit. */
  graphId?: string;
  steps: readonly CompositeStep<any>[];
}

export interface GraphResult {
  graphId: string;
  /** Every node succeeded and the graph was committed; false means nothing of it was written. */
  isSuccessful: boolean;
  responses: CompositeSubresponse[];
}

export type CompositeGraphOptions = SourceOptions;

interface Prepared { graphId: string; wire: WireSubrequest[]; steps: readonly CompositeStep[]; distinct: Set<string> }

function depth(dependsOn: number[][]): number {
  const d: number[] = [];
  dependsOn.forEach((deps, i) => { d[i] = 1 + Math.max(0, ...deps.map(j => d[j])); });
  return Math.max(...d);
}

/** Packs graphs into payloads within the limits, in order. */
function payloads(graphs: Prepared[]): Prepared[][] {
  const out: Prepared[][] = [];
  let cur: Prepared[] = [];
  let nodes = 0;
  let distinct = new Set<string>();
  for (const g of graphs) {
    const merged = new Set([...distinct, ...g.distinct]);
    if (cur.length && (cur.length >= GRAPH_LIMITS.graphs || nodes + g.wire.length > GRAPH_LIMITS.nodes
      || merged.size > GRAPH_LIMITS.distinctNodes)) {
      out.push(cur);
      cur = [];
      nodes = 0;
      distinct = new Set();
    }
    cur.push(g);
    nodes += g.wire.length;
    distinct = new Set([...distinct, ...g.distinct]);
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Runs graphs of subrequests (`POST /composite/graph`): each graph (up to 500 nodes, references up to 15 deep) is
 * committed whole or not at all, independently of the others. Graphs are packed into as few calls as the payload
 * limits allow (75 graphs, 500 nodes, 15 distinct method–object pairs), sent one after another; one result per graph, in order.
 * Nodes may create, read, update, upsert and delete records (no queries). A graph that cannot fit a payload is a
 * `ValidationError` before anything is sent.
 *
 * @example
 * import { compositeGraph$, subrequest } from 'rxforce';
 * const acct = subrequest.create(Account, { Name: 'Cloudy Consulting' });
 * const contact = subrequest.create(Contact, { LastName: 'Cashman', AccountId: acct.ref.id });
 * compositeGraph$([{ graphId: 'g1', steps: [acct, contact] }], { client })
 *   .subscribe(g => console.log(g.graphId, g.isSuccessful));
 *
 * @returns a cold Observable of one GraphResult per graph
 */
export function compositeGraph$(graphs: readonly Graph[], opts: CompositeGraphOptions = {}): Observable<GraphResult> {
  return defer(() => {
    if (!Array.isArray(graphs) || graphs.length === 0) throw new ValidationError({ reason: 'compositeGraph: no graphs' });
    const client = resolveClient(opts.client);
    return client.apiVersion$().pipe(concatMap(version => {
      if (Number(version) < 50) throw new ValidationError({ reason: `compositeGraph needs API version 50.0 or later (client uses ${version})` });
      const ids = new Set(graphs.map(g => g.graphId).filter((x): x is string => typeof x === 'string'));
      let n = 0;
      const prepared = graphs.map((g, i): Prepared => {
        let graphId = g.graphId;
        if (graphId === undefined) {
          while (ids.has(`graph${n}`)) n++;
          graphId = `graph${n++}`;
          ids.add(graphId);
        } else if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(graphId)) {
          throw new ValidationError({ recordIndex: i, field: 'graphId', reason: `graphId '${graphId}' must start with a letter or digit` });
        } else if (graphs.findIndex(x => x.graphId === graphId) !== i) {
          throw new ValidationError({ recordIndex: i, field: 'graphId', reason: `duplicate graphId '${graphId}'` });
        }
        const steps = g.steps;
        if (!Array.isArray(steps) || steps.length === 0) throw new ValidationError({ recordIndex: i, reason: `graph ${graphId} has no steps` });
        if (steps.length > GRAPH_LIMITS.nodes) {
          throw new ValidationError({ recordIndex: i, reason: `graph ${graphId} has ${steps.length} nodes; a graph takes at most ${GRAPH_LIMITS.nodes}` });
        }
        steps.forEach((s, k) => {
          if (s?.kind !== 'sobject' || s.method === 'PUT') {
            throw new ValidationError({ recordIndex: i, reason: `graph ${graphId}, node ${k}: a graph node creates, reads, updates, ` +
              'upserts or deletes one record (no queries or collections)' });
          }
        });
        const { wire, dependsOn } = prepareSteps(steps, version, `graph ${graphId}`);
        if (depth(dependsOn) > GRAPH_LIMITS.depth) {
          throw new ValidationError({ recordIndex: i, reason: `graph ${graphId} chains references ${depth(dependsOn)} deep; at most ${GRAPH_LIMITS.depth}` });
        }
        const distinct = new Set(steps.map(s => `${version}:${s.method}:${(s.sobject ?? '').toLowerCase()}`));
        if (distinct.size > GRAPH_LIMITS.distinctNodes) {
          throw new ValidationError({ recordIndex: i, reason: `graph ${graphId} has ${distinct.size} distinct nodes (method and object); a payload takes at most ${GRAPH_LIMITS.distinctNodes}` });
        }
        return { graphId, wire, steps, distinct };
      });
      return from(payloads(prepared)).pipe(concatMap(payload =>
        client.request$<{ graphs?: { graphId: string; isSuccessful: boolean; graphResponse?: { compositeResponse?: Record<string, unknown>[] } }[] }>({
          method: 'POST', path: 'composite/graph',
          data: { graphs: payload.map(g => ({ graphId: g.graphId, compositeRequest: g.wire })) },
        }).pipe(mergeMap(res => payload.map((g): GraphResult => {
          const answer = res.data?.graphs?.find(x => x.graphId === g.graphId);
          const list = answer?.graphResponse?.compositeResponse ?? [];
          const responses = g.wire.map((w, i) => toSubresponse(g.steps[i], w,
            list.find(a => a.referenceId === w.referenceId) ?? list[i] ?? { httpStatusCode: 0, body: null }));
          return { graphId: g.graphId, isSuccessful: answer?.isSuccessful === true, responses };
        })))));
    }));
  });
}

/** Promise twin of {@link compositeGraph$}: every graph's result, in order. */
export function compositeGraph(graphs: readonly Graph[], opts: CompositeGraphOptions = {}): Promise<GraphResult[]> {
  return lastValueFrom(compositeGraph$(graphs, opts).pipe(toArray(), map(x => x)));
}
