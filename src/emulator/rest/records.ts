/** A stored row in wire form: `attributes {type,url}`, then fields in describe order (blob fields as their URL). */
import type { ObjectSchema, OrgStore, StoredRecord, FieldSchema } from '../types.js';
import { SfHttpError } from '../types.js';

export function recordUrl(s: ObjectSchema, id: string, version: string): string {
  return `/services/data/v${version}${s.tooling ? '/tooling' : ''}/sobjects/${s.name}/${id}`;
}

/** Resolves a `fields` list, failing the request on an unknown name as the API does. */
export function resolveFields(s: ObjectSchema, names: string[] | undefined): FieldSchema[] {
  if (!names) return s.fields;
  return names.map(n => n.trim()).filter(Boolean).map(n => {
    const f = s.fieldMap.get(n.toLowerCase());
    if (!f) {
      throw new SfHttpError(400, 'INVALID_FIELD', `No such column '${n}' on entity '${s.name}'. If you are attempting ` +
        "to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL " +
        'or the describe call for the appropriate names.');
    }
    return f;
  });
}

export function toWire(store: OrgStore, s: ObjectSchema, rec: StoredRecord, fields: FieldSchema[], version: string):
  Record<string, unknown> {
  const url = recordUrl(s, rec.Id, version);
  const out: Record<string, unknown> = { attributes: { type: s.name, url } };
  for (const f of fields) {
    if (f.type === 'base64') out[f.name] = store.blob(rec.Id) ? `${url}/${f.name}` : null;
    else out[f.name] = rec[f.name] ?? (f.type === 'boolean' ? false : null);
  }
  return out;
}
