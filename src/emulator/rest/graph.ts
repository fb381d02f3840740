/**
 * `/composite/graph` (v50+): graphs of Composite subrequests ("nodes"), each graph all or nothing, one graph's failure
 * leaving the others alone. Nodes may call only sObject create, rows by id and rows by external id. Limits (v250
 * documentation): 75 graphs, 500 nodes per graph and per payload, depth 15, 15 distinct nodes (API version × HTTP
 * method × object; the method counts in the current documentation) per payload; once more than 14 graphs have failed,
 * the rest are not run and answer PROCESSING_HALTED.
 */
import { parseJsonObject, pathSegments } from '../http.js';
import { registerRoutes } from '../routes-registry.js';
import { SfHttpError, type RouteContext } from '../types.js';
import { halted, type LinkedSubrequest, runLinked } from './composite.js';
import { referencedIds } from './references.js';
import { badRequest, INHERITED_HEADERS, parseSubUrl, SUB_METHODS } from './subrequest.js';

export const MAX_GRAPHS = 75;
export const MAX_NODES = 500;
export const MAX_DEPTH = 15;
export const MAX_DISTINCT_NODES = 15;
/** Graph failures allowed; the failure past this one halts the remaining graphs. */
export const MAX_GRAPH_FAILURES = 14;

const GRAPH_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** Which sObject resources a node may call, by the number of path segments after `/sobjects`. */
function graphAllows(method: string, path: string): string | undefined {
  const segs = path.split('/').filter(Boolean);
  const ok = segs[0] === 'sobjects' && (
    (segs.length === 2 && method === 'POST')
    || (segs.length === 3 && ['GET', 'PATCH', 'DELETE'].includes(method))
    || (segs.length === 4 && ['GET', 'PATCH', 'POST', 'DELETE'].includes(method)));
  return ok ? undefined : `${method} ${path} is not supported in a Composite Graph node; nodes may call sobjects/{type} (POST), ` +
    'sobjects/{type}/{id} (GET, PATCH, DELETE) and sobjects/{type}/{field}/{value} (GET, PATCH, POST, DELETE)';
}

function readNodes(raw: unknown, graphId: string): LinkedSubrequest[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest(`Graph ${graphId}: compositeRequest must be a non-empty array`);
  const seen = new Set<string>();
  return raw.map((n, i) => {
    const s = (n && typeof n === 'object' ? n : {}) as Record<string, unknown>;
    if (typeof s.method !== 'string' || !SUB_METHODS.has(s.method) || s.method === 'PUT') {
      throw badRequest(`Graph ${graphId}, node ${i}: method must be one of GET, POST, PATCH, DELETE (case-sensitive)`);
    }
    if (typeof s.url !== 'string' || !s.url) throw badRequest(`Graph ${graphId}, node ${i}: url is required`);
    if (typeof s.referenceId !== 'string' || !/^[A-Za-z0-9_]+$/.test(s.referenceId)) {
      throw badRequest(`Graph ${graphId}, node ${i}: referenceId is required and may contain only letters, digits and underscores`);
    }
    if (seen.has(s.referenceId)) throw badRequest(`Graph ${graphId}: duplicate referenceId '${s.referenceId}'`);
    seen.add(s.referenceId);
    const httpHeaders: Record<string, string> = {};
    for (const [k, v] of Object.entries((s.httpHeaders ?? {}) as Record<string, unknown>)) {
      if (INHERITED_HEADERS.has(k.toLowerCase())) throw badRequest(`Graph ${graphId}, node ${i}: the ${k} header cannot be set`);
      httpHeaders[k.toLowerCase()] = String(v);
    }
    return { method: s.method, url: s.url, referenceId: s.referenceId, body: s.body, httpHeaders };
  });
}

/** Longest chain of references through a graph's nodes (a node with no references has depth 1). */
function depthOf(nodes: LinkedSubrequest[]): number {
  const depth = new Map<string, number>();
  let max = 0;
  for (const n of nodes) {
    let d = 1;
    for (const id of referencedIds([n.url, n.body])) d = Math.max(d, (depth.get(id) ?? 0) + 1);
    depth.set(n.referenceId, d);
    max = Math.max(max, d);
  }
  return max;
}

async function graph(ctx: RouteContext): Promise<void> {
  const body = parseJsonObject(await ctx.body());
  const raw = body.graphs;
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('graphs must be a non-empty array', 'JSON_PARSER_ERROR');
  // limits are documented; the status and code of the refusal are not (unconfirmed)
  if (raw.length > MAX_GRAPHS) throw badRequest(`A payload can hold at most ${MAX_GRAPHS} graphs; it held ${raw.length}`, 'LIMIT_EXCEEDED');
  const ids = new Set<string>();
  const graphs = raw.map((g, i) => {
    const o = (g && typeof g === 'object' ? g : {}) as Record<string, unknown>;
    if (typeof o.graphId !== 'string' || !GRAPH_ID.test(o.graphId)) {
      throw badRequest(`Graph ${i}: graphId is required and starts with a letter or digit`);
    }
    if (ids.has(o.graphId)) throw badRequest(`Duplicate graphId '${o.graphId}'`);
    ids.add(o.graphId);
    const nodes = readNodes(o.compositeRequest, o.graphId);
    if (nodes.length > MAX_NODES) throw badRequest(`Graph ${o.graphId} has ${nodes.length} nodes; at most ${MAX_NODES}`, 'LIMIT_EXCEEDED');
    if (depthOf(nodes) > MAX_DEPTH) throw badRequest(`Graph ${o.graphId} is deeper than ${MAX_DEPTH}`, 'LIMIT_EXCEEDED');
    return { graphId: o.graphId, nodes };
  });
  const total = graphs.reduce((n, g) => n + g.nodes.length, 0);
  if (total > MAX_NODES) throw badRequest(`A payload can hold at most ${MAX_NODES} nodes; it held ${total}`, 'LIMIT_EXCEEDED');
  const distinct = new Set(graphs.flatMap(g => g.nodes.map(n => {
    const p = parseSubUrl(n.url);
    return p ? `${p.version}:${n.method}:${(pathSegments(p.path)[1] ?? '').toLowerCase()}` : undefined;
  }).filter(Boolean)));
  if (distinct.size > MAX_DISTINCT_NODES) {
    throw badRequest(`A payload can hold at most ${MAX_DISTINCT_NODES} distinct nodes (API version, method and object); it held ` +
      `${distinct.size}`, 'LIMIT_EXCEEDED');
  }
  let failures = 0;
  const out = [];
  for (const g of graphs) {
    if (failures > MAX_GRAPH_FAILURES) {
      out.push({ graphId: g.graphId, graphResponse: { compositeResponse: g.nodes.map(n => {
        const r = halted();
        return { body: r.body, httpHeaders: {}, httpStatusCode: r.status, referenceId: n.referenceId };
      }) }, isSuccessful: false });
      continue;
    }
    const { results, ok } = await runLinked(ctx, g.nodes, true, graphAllows);
    if (!ok) failures++;
    out.push({ graphId: g.graphId, graphResponse: { compositeResponse: results }, isSuccessful: ok });
  }
  ctx.json(200, { graphs: out });
}

registerRoutes(async ctx => {
  const segs = pathSegments(ctx.path);
  if (segs[0] !== 'composite' || segs[1] !== 'graph') return false;
  if (segs.length !== 2) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (ctx.req.method !== 'POST') {
    throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.req.method ?? ''}' not allowed. Allowed are POST`);
  }
  if (Number(ctx.version) < 50) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (!ctx.dispatch) throw badRequest('A Composite Graph request cannot be a subrequest');
  await graph(ctx);
  return true;
});
