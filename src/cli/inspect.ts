/** `rxforce describe`, `rxforce generate` and `rxforce limits`: what the org says about itself. */
import { writeFile } from 'node:fs/promises';
import type { SalesforceClient } from '../client/client.js';
import { isSalesforceError } from '../client/errors.js';
import { generateModelSource } from '../model/index.js';
import { describe } from '../sources/describe/describe.js';
import type { DescribeSObjectResult } from '../sources/describe/describeTypes.js';
import { CliError } from './errors.js';
import type { CliIo } from './io.js';

/** The describe of one sObject, or one clear CLI error when the org has no such object. */
export async function describeOrFail(client: SalesforceClient, sobject: string): Promise<DescribeSObjectResult> {
  try {
    const d = await describe(sobject, { client });
    if (!d) throw new CliError(`no describe for ${sobject}`);
    return d;
  } catch (e) {
    if (isSalesforceError(e, 'NOT_FOUND')) throw new CliError(`unknown sObject ${sobject}`);
    throw e;
  }
}

/** Fields as a table (name, type, length, flags), or the describe JSON. */
export async function runDescribe(client: SalesforceClient, sobject: string, json: boolean, io: CliIo): Promise<void> {
  const d = await describeOrFail(client, sobject);
  if (json) {
    io.stdout.write(`${JSON.stringify(d, null, 2)}\n`);
    return;
  }
  io.stdout.write(`${d.name} (${d.label}, key prefix ${d.keyPrefix ?? '-'}) — ${d.fields.length} fields\n`);
  const rows = d.fields.map(f => [f.name, f.type + (f.type === 'reference' ? ` → ${f.referenceTo.join('|')}` : ''),
    f.length ? String(f.length) : '', flags(f)]);
  const w = [0, 1, 2].map(i => Math.max(...rows.map(r => r[i]!.length), 4));
  for (const r of rows) io.stdout.write(`${r.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c)).join('  ').trimEnd()}\n`);
}

function flags(f: DescribeSObjectResult['fields'][number]): string {
  const out: string[] = [];
  if (!f.nillable && f.createable && !f.defaultedOnCreate) out.push('required');
  if (!f.createable && !f.updateable) out.push('readonly');
  if (f.externalId) out.push('external id');
  if (f.unique) out.push('unique');
  if (f.restrictedPicklist) out.push('restricted');
  return out.join(', ');
}

/** A TypeScript module with one `defineSObject` model per object. */
export async function runGenerate(client: SalesforceClient, sobjects: string[], out: string, io: CliIo): Promise<void> {
  const describes = [];
  for (const s of sobjects) describes.push(await describeOrFail(client, s));
  await writeFile(out, generateModelSource(describes));
  io.stderr.write(`wrote ${describes.length} model${describes.length === 1 ? '' : 's'} to ${out}\n`);
}

/** Org limits: name, used, remaining, max. */
export async function runLimits(client: SalesforceClient, json: boolean, io: CliIo): Promise<void> {
  const limits = (await client.request<Record<string, { Max: number; Remaining: number }>>({ method: 'GET', path: 'limits' })).data;
  if (json) {
    io.stdout.write(`${JSON.stringify(limits, null, 2)}\n`);
    return;
  }
  const names = Object.keys(limits).sort();
  const w = Math.max(...names.map(n => n.length));
  io.stdout.write(`${'Limit'.padEnd(w)}  ${'Remaining'.padStart(12)}  ${'Max'.padStart(12)}\n`);
  for (const n of names) io.stdout.write(`${n.padEnd(w)}  ${String(limits[n]!.Remaining).padStart(12)}  ${String(limits[n]!.Max).padStart(12)}\n`);
}
