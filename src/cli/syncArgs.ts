/** `rxforce sync` arguments: where the mirror lives, which objects and fields, how often; checked before any request. */
import { isAbsolute, resolve } from 'node:path';
import { CliError } from './errors.js';

/** Where the mirror is: an SQLite file or a Postgres database. */
export type MirrorTarget =
  | { kind: 'sqlite'; path: string }
  | { kind: 'postgres'; url: string };

export interface SyncFlags {
  to?: string;
  interval?: string;
  once?: boolean;
  fields?: string;
  keepDeleted?: boolean;
}

export interface SyncPlan {
  objects: string[];
  target: MirrorTarget;
  /** Seconds between rounds of one object (daemon). */
  intervalSeconds: number;
  once: boolean;
  /** Fields to mirror (Id always among them); undefined: every field describe lists. */
  fields?: string[];
  keepDeleted: boolean;
}

/** A round every 60 s unless told otherwise: well inside any org's daily API allowance for a handful of objects. */
export const DEFAULT_INTERVAL_SECONDS = 60;
const MAX_INTERVAL_SECONDS = 86_400;
/** API names: letters, digits and single underscores, starting with a letter (`ns__Object__c`, `Object__c`). */
const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_)|__(?=[A-Za-z0-9]))*$/;

/** Parses `--to sqlite:PATH` or `--to postgres://…`; a relative SQLite path is taken from `cwd`. */
export function parseMirrorTarget(to: string | undefined, cwd: string): MirrorTarget {
  if (!to) throw new CliError('sync needs --to sqlite:PATH or --to postgres://USER@HOST/DATABASE');
  if (/^sqlite:/i.test(to)) {
    const path = to.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new CliError('--to sqlite: needs a file path, e.g. --to sqlite:mirror.db');
    return { kind: 'sqlite', path: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (/^postgres(ql)?:\/\//i.test(to)) {
    if (!URL.canParse(to)) throw new CliError(`--to ${shownTarget({ kind: 'postgres', url: to })} is not a Postgres URL`);
    return { kind: 'postgres', url: to };
  }
  throw new CliError(`--to must be sqlite:PATH or postgres://…, got ${JSON.stringify(redactUrl(to))}`);
}

/** The target as it may be printed: a Postgres password never appears. */
export function shownTarget(t: MirrorTarget): string {
  return t.kind === 'sqlite' ? `sqlite:${t.path}` : redactUrl(t.url);
}

function redactUrl(text: string): string {
  return text.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

function apiNames(list: string[], what: string): string[] {
  const seen = new Map<string, string>();
  for (const name of list) {
    if (!API_NAME.test(name)) throw new CliError(`${what} ${JSON.stringify(name)} is not an API name (letters, digits and _)`);
    const key = name.toLowerCase();
    if (seen.has(key)) throw new CliError(`${what} ${name} is named twice`);
    seen.set(key, name);
  }
  return [...seen.values()];
}

/** Checks everything `rxforce sync OBJECT... --to …` was given; a CliError (exit 2) names the flag and the reason. */
export function parseSyncArgs(objects: string[], flags: SyncFlags, cwd: string): SyncPlan {
  if (!objects.length) throw new CliError('sync needs at least one object, e.g. rxforce sync Account Contact --to sqlite:mirror.db');
  const names = apiNames(objects, 'object');
  const target = parseMirrorTarget(flags.to, cwd);
  if (flags.once && flags.interval !== undefined) throw new CliError('--once and --interval exclude each other');
  let intervalSeconds = DEFAULT_INTERVAL_SECONDS;
  if (flags.interval !== undefined) {
    intervalSeconds = Number(flags.interval);
    if (!/^\d+(\.\d+)?$/.test(flags.interval.trim()) || !(intervalSeconds > 0) || intervalSeconds > MAX_INTERVAL_SECONDS) {
      throw new CliError(`--interval must be a number of seconds above 0 and at most ${MAX_INTERVAL_SECONDS}, got ${JSON.stringify(flags.interval)}`);
    }
  }
  let fields: string[] | undefined;
  if (flags.fields !== undefined) {
    const list = flags.fields.split(',').map(f => f.trim()).filter(Boolean);
    if (!list.length) throw new CliError('--fields needs field API names separated by commas, e.g. --fields Name,Industry');
    fields = apiNames(list, 'field');
    if (!fields.some(f => f.toLowerCase() === 'id')) fields.unshift('Id');
  }
  return { objects: names, target, intervalSeconds, once: flags.once === true, fields, keepDeleted: flags.keepDeleted === true };
}
