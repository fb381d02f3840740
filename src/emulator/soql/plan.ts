/**
 * The SELECT list of a record query as a shape tree: plain fields, parent objects nested by relationship name (in
 * first-mention order, as Salesforce nests them) and child subqueries, plus the flat column list (`Account.Name`).
 */
import type { FieldType as SelectItem, Subquery } from '@jetstreamapp/soql-parser-js';
import type { ObjectSchema, StoredRecord } from '../types.js';
import { malformed, locate } from './errors.js';
import { type Hop, type ResolveContext, type ResolvedPath, resolvePath } from './resolve.js';

export type ShapeNode =
  | { t: 'field'; name: string; path: ResolvedPath }
  | { t: 'parent'; name: string; hop: Hop; children: ShapeNode[] }
  | { t: 'sub'; name: string; subquery: Subquery };

export interface SelectPlan {
  nodes: ShapeNode[];
  /** Flat columns in SELECT order (subqueries excluded). */
  paths: ResolvedPath[];
}

/** Dotted path of a select item, without the FROM alias. */
export function itemPath(item: { field: string; relationships?: string[]; objectPrefix?: string }): string {
  return [...(item.relationships ?? []), item.field].join('.');
}

/** The fields FIELDS(ALL|STANDARD|CUSTOM) stands for. */
export function expandFields(schema: ObjectSchema, which: string): string[] {
  const w = which.toUpperCase();
  return schema.fields
    .filter(f => f.type !== 'address' && f.type !== 'location' && f.type !== 'base64')
    .filter(f => w === 'ALL' || (w === 'CUSTOM' ? f.custom : !f.custom))
    .map(f => f.name);
}

/** Builds the shape tree of a record query. */
export function planSelect(ctx: ResolveContext, schema: ObjectSchema, items: SelectItem[]): SelectPlan {
  const nodes: ShapeNode[] = [];
  const paths: ResolvedPath[] = [];
  const addPath = (text: string): void => {
    const path = resolvePath(ctx, schema, text);
    let level = nodes;
    for (const hop of path.hops) {
      let parent = level.find(n => n.t === 'parent' && n.name === hop.relationshipName);
      if (!parent) {
        parent = { t: 'parent', name: hop.relationshipName, hop, children: [] };
        level.push(parent);
      }
      level = (parent as { children: ShapeNode[] }).children;
    }
    if (level.some(n => n.t === 'field' && n.name === path.field.name)) {
      // Unconfirmed wording and code for a repeated column.
      throw malformed(ctx.soql, locate(ctx.soql, text, locate(ctx.soql, text) + 1), `duplicate field selected: ${path.column}`);
    }
    level.push({ t: 'field', name: path.field.name, path });
    paths.push(path);
  };
  for (const item of items) {
    switch (item.type) {
      case 'Field': case 'FieldRelationship':
        addPath(itemPath(item as { field: string; relationships?: string[] }));
        break;
      case 'FieldSubquery':
        nodes.push({ t: 'sub', name: item.subquery.relationshipName, subquery: item.subquery });
        break;
      case 'FieldFunctionExpression': {
        const fn = item.functionName.toUpperCase();
        if (fn === 'FIELDS') {
          for (const name of expandFields(schema, String(item.parameters[0] ?? 'ALL'))) {
            if (!nodes.some(n => n.t === 'field' && n.name === name)) addPath(name);
          }
        } else if (fn === 'TOLABEL' || fn === 'FORMAT' || fn === 'CONVERTCURRENCY') {
          // Labels, locale formats and currencies are the stored values in a single-language, single-currency org.
          addPath(String(item.parameters[0]));
        } else {
          throw malformed(ctx.soql, locate(ctx.soql, item.functionName), `unexpected token: '${item.functionName}'`);
        }
        break;
      }
      default:
        throw malformed(ctx.soql, locate(ctx.soql, 'TYPEOF'), `unexpected token: 'TYPEOF'`);
    }
  }
  return { nodes, paths };
}

/** `attributes` of a record as the REST API writes it. */
export function attributes(type: string, id: string, version: string, tooling: boolean): { type: string; url: string } {
  return { type, url: `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${type}/${id}` };
}

export type Shaper = (rec: StoredRecord) => Record<string, unknown>;
