/**
 * `/composite/tree/{SObject}`: nested parent–child records created in one transaction. ≤ 200 records across all trees,
 * ≤ 5 record types, trees ≤ 5 levels; every record carries `attributes.type` and a unique `attributes.referenceId`.
 * Records are created level by level (all roots, then the second level…), as Salesforce fires triggers per level,
 * so results list roots first. Any error rolls everything back: 400 with only the failing records listed.
 */
import { parseJsonObject, pathSegments } from '../http.js';
import { registerRoutes } from '../routes-registry.js';
import { type ObjectSchema, type RecordError, type RouteContext, SfHttpError } from '../types.js';

/** ≤ 200 records across all trees of one request. */
export const MAX_TREE_RECORDS = 200;
/** ≤ 5 different record types per request. */
export const MAX_TREE_TYPES = 5;
/** Trees ≤ 5 levels deep. */
export const MAX_TREE_DEPTH = 5;

const REFERENCE_ID = /^[A-Za-z0-9][A-Za-z0-9_]*$/;

interface Node {
  referenceId: string;
  schema: ObjectSchema;
  fields: Record<string, unknown>;
  level: number;
  parent?: Node;
  /** The child's lookup to its parent. */
  parentField?: string;
  id?: string;
}

type Row = Record<string, unknown>;

function invalid(message: string, errorCode = 'INVALID_INPUT'): SfHttpError {
  // request-level problems answer with the usual error array (code unconfirmed: the documentation names none)
  return new SfHttpError(400, errorCode, message);
}

function collect(ctx: RouteContext, records: unknown, expected: ObjectSchema | undefined, level: number, parent: Node | undefined,
  parentField: string | undefined, out: Node[]): void {
  if (!Array.isArray(records)) throw invalid('records must be an array', 'JSON_PARSER_ERROR');
  for (const raw of records) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw invalid('Each record must be a JSON object', 'JSON_PARSER_ERROR');
    const rec = raw as Row;
    const attrs = (rec.attributes ?? {}) as { type?: unknown; referenceId?: unknown };
    if (typeof attrs.type !== 'string' || !attrs.type) throw invalid('Every record needs attributes.type');
    const schema = ctx.store.schema.get(attrs.type);
    if (!schema || schema.tooling) throw invalid(`sObject type '${attrs.type}' is not supported.`, 'INVALID_TYPE');
    if (expected && schema !== expected) {
      throw invalid(`The record type ${schema.name} does not match the type ${expected.name} of the request URI or relationship`);
    }
    if (typeof attrs.referenceId !== 'string' || !attrs.referenceId) {
      throw invalid(`Every record needs attributes.referenceId (a ${schema.name} record has none)`);
    }
    if (!REFERENCE_ID.test(attrs.referenceId)) {
      throw invalid(`Invalid referenceId '${attrs.referenceId}': it starts with a letter or digit and has only letters, ` +
        'digits and underscores');
    }
    if (level > MAX_TREE_DEPTH) throw invalid(`sObject trees can be at most ${MAX_TREE_DEPTH} levels deep`, 'LIMIT_EXCEEDED');
    const node: Node = { referenceId: attrs.referenceId, schema, fields: {}, level, parent, parentField };
    out.push(node);
    for (const [k, v] of Object.entries(rec)) {
      if (k === 'attributes') continue;
      const rel = schema.childRelationships.find(c => c.relationshipName?.toLowerCase() === k.toLowerCase());
      if (rel && v && typeof v === 'object' && !Array.isArray(v)) {
        const child = ctx.store.schema.get(rel.childSObject);
        if (!child) throw invalid(`Unknown child relationship ${k}`);
        collect(ctx, (v as { records?: unknown }).records, child, level + 1, node, rel.field, out);
      } else {
        node.fields[k] = v;
      }
    }
  }
}

async function tree(ctx: RouteContext, typeName: string): Promise<void> {
  const root = ctx.store.schema.get(typeName);
  if (!root || root.tooling) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const body = parseJsonObject(await ctx.body());
  const nodes: Node[] = [];
  collect(ctx, body.records, root, 1, undefined, undefined, nodes);
  if (nodes.length === 0) throw invalid('records must hold at least one record', 'JSON_PARSER_ERROR');
  if (nodes.length > MAX_TREE_RECORDS) {
    throw invalid(`An sObject Tree request can hold at most ${MAX_TREE_RECORDS} records; it held ${nodes.length}`, 'LIMIT_EXCEEDED');
  }
  const types = new Set(nodes.map(n => n.schema.name));
  if (types.size > MAX_TREE_TYPES) {
    throw invalid(`An sObject Tree request can hold at most ${MAX_TREE_TYPES} record types; it held ${types.size}`, 'LIMIT_EXCEEDED');
  }
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.referenceId, (counts.get(n.referenceId) ?? 0) + 1);
  const duplicates = nodes.filter(n => counts.get(n.referenceId)! > 1);
  if (duplicates.length) {
    ctx.json(400, { hasErrors: true, results: duplicates.map(n => ({ referenceId: n.referenceId, errors: [{
      statusCode: 'INVALID_INPUT', message: `Duplicate ReferenceId provided in the request: ${n.referenceId}`, fields: [] }] })) });
    return;
  }
  const byLevel = [...nodes].sort((a, b) => a.level - b.level);
  const failures: { referenceId: string; errors: RecordError[] }[] = [];
  ctx.store.transaction(() => {
    for (const n of byLevel) {
      const fields = { ...n.fields };
      if (n.parent && n.parentField) fields[n.parentField] = n.parent.id;
      const r = ctx.store.insert(n.schema.name, fields);
      if (r.success) n.id = r.id;
      else {
        failures.push({ referenceId: n.referenceId, errors: r.errors });
        return false;
      }
    }
    return true;
  });
  if (failures.length) {
    ctx.json(400, { hasErrors: true, results: failures });
    return;
  }
  ctx.json(201, { hasErrors: false, results: byLevel.map(n => ({ referenceId: n.referenceId, id: n.id })) });
}

registerRoutes(async ctx => {
  const segs = pathSegments(ctx.path);
  if (segs[0] !== 'composite' || segs[1] !== 'tree') return false;
  if (segs.length !== 3) throw new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');
  if (ctx.req.method !== 'POST') {
    throw new SfHttpError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${ctx.req.method ?? ''}' not allowed. Allowed are POST`);
  }
  await tree(ctx, segs[2]);
  return true;
});
