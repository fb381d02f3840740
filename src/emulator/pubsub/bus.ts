/**
 * The org's event bus: every published event (change events from the store's writes, platform events from Publish or
 * a REST insert of `X__e`) in replay order, kept for the retention window on the emulator's clock (72 h, as
 * Salesforce keeps them) and read by topic. Replay ids are opaque 8-byte values to clients; here they are positions.
 */
import { randomUUID } from 'node:crypto';
import type { ObjectSchema, OrgStore } from '../types.js';
import { ChangeCollector, type ChangeEventDraft } from './changes.js';
import { changeEventName, changeEventSchema, platformEventSchema, toAvro, type EventSchema } from './schemas.js';

export const RETENTION_MS = 72 * 3600_000;
/** Larger events are replaced by a gap event (change events) or refused (platform events), as Salesforce does. */
export const MAX_EVENT_BYTES = 1_048_576;
export const ALL_CHANGE_EVENTS = '/data/ChangeEvents';

/** Standard objects with change events here (Salesforce supports a subset of standard objects; every custom one). */
const CDC_STANDARD = new Set(['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'User', 'Task']);

export interface BusEvent {
  seq: number;
  /** Emulator clock when published. */
  at: number;
  id: string;
  schemaId: string;
  payload: Buffer;
}

export interface TopicInfo {
  name: string;
  /** The schema events on this topic are written with; undefined for `/data/ChangeEvents` (one per object). */
  schema?: EventSchema;
  canPublish: boolean;
  platformEvent?: ObjectSchema;
}

export interface BusOptions {
  /** Objects with Change Data Capture selected: names, or `all` for every object that supports it. */
  changeDataCapture?: string[] | 'all';
  retentionMs?: number;
  /** Changes per transaction before the rest become overflow events; Salesforce's is 100,000. */
  overflowThreshold?: number;
  /**
   * Most events held at once (default 1,000,000), so a long soak under churn keeps the emulator's memory bounded; the
   * oldest go first, as if past the retention window.
   */
  maxEvents?: number;
}

export class EventBus {
  private readonly log = new Map<string, BusEvent[]>();
  private readonly schemas = new Map<string, EventSchema>();
  private readonly bySobject = new Map<string, EventSchema>();
  private readonly listeners = new Set<() => void>();
  private readonly selected = new Set<string>();
  private selectAll = false;
  private seq = 0;
  /** The highest position purged; a replay id below it names events that are gone. */
  private purgedTo = 0;
  private commitNumber = 1_000_000;
  private gapsToSend = 0;
  private readonly collector: ChangeCollector;
  retentionMs: number;
  overflowThreshold: number;
  private readonly maxEvents: number;

  constructor(private readonly store: OrgStore & { actingUserId: string }, private readonly now: () => number,
    opts: BusOptions = {}) {
    this.retentionMs = opts.retentionMs ?? RETENTION_MS;
    this.overflowThreshold = opts.overflowThreshold ?? 100_000;
    this.maxEvents = opts.maxEvents ?? 1_000_000;
    this.select(opts.changeDataCapture ?? []);
    this.collector = new ChangeCollector(store, e => this.captures(e), events => this.publishChanges(events),
      () => this.overflowThreshold);
  }

  /** The store's commit listener (`store.onCommit(bus.onCommit)`). */
  get onCommit(): ChangeCollector['onCommit'] { return this.collector.onCommit; }

  /** Selects objects for Change Data Capture (Setup → Change Data Capture). */
  select(names: string[] | 'all'): void {
    if (names === 'all') {
      this.selectAll = true;
      return;
    }
    for (const n of names) {
      const s = this.store.schema.get(n);
      if (!s || !supportsCdc(s)) throw new Error(`Change Data Capture does not support ${n}`);
      this.selected.add(s.name);
    }
  }

  deselect(names: string[]): void {
    for (const n of names) this.selected.delete(this.store.schema.get(n)?.name ?? n);
  }

  captures(s: ObjectSchema): boolean {
    return supportsCdc(s) && (this.selectAll || this.selected.has(s.name));
  }

  /** The next n change events go out as gap events (header only), as when Salesforce cannot build them. */
  sendGaps(n: number): void {
    this.gapsToSend += n;
  }

  schemaById(id: string): EventSchema | undefined {
    return this.schemas.get(id);
  }

  /** A topic by its case-sensitive name, or undefined when the org has none such. */
  topic(name: string): TopicInfo | undefined {
    if (name === ALL_CHANGE_EVENTS) return { name, canPublish: false };
    let m = /^\/data\/(\w+?)(__)?ChangeEvent$/.exec(name);
    if (m) {
      const sobject = m[2] ? `${m[1]}__c` : m[1];
      const s = this.store.schema.get(sobject);
      if (!s || s.name !== sobject || !supportsCdc(s)) return undefined;
      return { name, schema: this.changeSchema(s), canPublish: false };
    }
    m = /^\/event\/(\w+__e)$/.exec(name);
    if (m) {
      const s = this.store.schema.get(m[1]);
      if (!s || s.name !== m[1]) return undefined;
      return { name, schema: this.platformSchema(s), canPublish: true, platformEvent: s };
    }
    return undefined;
  }

  changeSchema(s: ObjectSchema): EventSchema {
    return this.remember(this.bySobject, s.name, () => changeEventSchema(s));
  }

  platformSchema(s: ObjectSchema): EventSchema {
    return this.remember(this.bySobject, s.name, () => platformEventSchema(s));
  }

  private remember(map: Map<string, EventSchema>, key: string, make: () => EventSchema): EventSchema {
    let schema = map.get(key);
    if (!schema) {
      schema = make();
      map.set(key, schema);
      this.schemas.set(schema.id, schema);
    }
    return schema;
  }

  /** Position of the newest event (0 before the first). */
  get latest(): number { return this.seq; }

  /** Whether `seq` names an event the bus still holds, so a subscription may start after it. */
  isRetained(seq: number): boolean {
    this.purge();
    return seq > this.purgedTo && seq <= this.seq;
  }

  /** Whether events after `seq` were purged before a subscriber standing at `seq` got them. */
  hasLostAfter(seq: number): boolean {
    this.purge();
    return seq < this.purgedTo;
  }

  /** The oldest position still held minus one: where EARLIEST starts. */
  get earliest(): number {
    this.purge();
    return this.purgedTo;
  }

  /** Up to `max` events of a topic after position `after`. */
  read(topic: string, after: number, max: number): BusEvent[] {
    this.purge();
    const events = this.log.get(topic);
    if (!events?.length || max <= 0) return [];
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (events[mid].seq <= after) lo = mid + 1;
      else hi = mid;
    }
    return events.slice(lo, lo + max);
  }

  /** Called after every append (subscribers pump from here). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Publishes a platform event already encoded with its topic's schema; returns its position. */
  publishEncoded(topic: string, id: string, schemaId: string, payload: Buffer): number {
    const ev = this.append([topic], id, schemaId, payload);
    this.notify();
    return ev.seq;
  }

  /** Publishes a platform event from stored-style values (a REST insert of an `X__e` record). */
  publishValues(s: ObjectSchema, values: Record<string, unknown>): number {
    const schema = this.platformSchema(s);
    const datum: Record<string, unknown> = {};
    for (const e of schema.fields) datum[e.name] = toAvro(e.field!, values[e.name]);
    return this.publishEncoded(`/event/${s.name}`, randomUUID(), schema.id, schema.type.toBuffer(datum));
  }

  private publishChanges(drafts: ChangeEventDraft[]): void {
    if (!drafts.length) return;
    const transactionKey = randomUUID().replace(/-/g, '');
    const commitNumber = ++this.commitNumber;
    drafts.forEach((d, i) => {
      const schema = this.changeSchema(d.entity);
      let changeType = d.changeType;
      if (this.gapsToSend > 0 && !changeType.startsWith('GAP_')) {
        this.gapsToSend--;
        changeType = `GAP_${changeType}` as typeof changeType;
      }
      const header = (type: string, gap: boolean) => ({
        entityName: d.entity.name, recordIds: d.recordIds, changeType: type, changeOrigin: '', transactionKey,
        sequenceNumber: i + 1, commitTimestamp: this.now(), commitNumber, commitUser: d.commitUser,
        nulledFields: gap ? [] : bitmap(schema, d.nulledFields), diffFields: [],
        changedFields: gap ? [] : bitmap(schema, d.changedFields),
      });
      const gap = changeType.startsWith('GAP_');
      let payload = schema.type.toBuffer(datumOf(schema, header(changeType, gap), gap ? {} : d.values));
      if (payload.length > MAX_EVENT_BYTES && !gap) {
        payload = schema.type.toBuffer(datumOf(schema, header(`GAP_${changeType}`, true), {}));
      }
      const name = changeEventName(d.entity.name);
      this.append([ALL_CHANGE_EVENTS, `/data/${name}`], randomUUID(), schema.id, payload);
    });
    this.notify();
  }

  private append(topics: string[], id: string, schemaId: string, payload: Buffer): BusEvent {
    const ev: BusEvent = { seq: ++this.seq, at: this.now(), id, schemaId, payload };
    // over the cap: everything up to this position counts as purged, as if it had aged out
    if (this.seq - this.purgedTo > this.maxEvents) this.purgedTo = this.seq - this.maxEvents;
    for (const t of topics) {
      let events = this.log.get(t);
      if (!events) this.log.set(t, events = []);
      events.push(ev);
    }
    // with no subscriber reading, old events still go now and then
    if (this.seq % 1024 === 0) this.purge();
    return ev;
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Drops events older than the retention window. */
  private purge(): void {
    const cutoff = this.now() - this.retentionMs;
    for (const events of this.log.values()) {
      let n = 0;
      while (n < events.length && (events[n].at < cutoff || events[n].seq <= this.purgedTo)) {
        this.purgedTo = Math.max(this.purgedTo, events[n].seq);
        n++;
      }
      if (n) events.splice(0, n);
    }

  }
}

export function supportsCdc(s: ObjectSchema): boolean {
  return !s.tooling && (CDC_STANDARD.has(s.name) || s.name.endsWith('__c'));
}

function datumOf(schema: EventSchema, header: Record<string, unknown>, values: Record<string, unknown>): Record<string, unknown> {
  const datum: Record<string, unknown> = { ChangeEventHeader: header };
  for (const e of schema.fields) {
    if (e.field) {
      datum[e.name] = e.field.name in values ? toAvro(e.field, values[e.field.name]) : null;
      continue;
    }
    const children = e.children!;
    if (!children.some(c => c.field.name in values)) {
      datum[e.name] = null;
      continue;
    }
    const record: Record<string, unknown> = {};
    for (const c of children) record[c.name] = c.field.name in values ? toAvro(c.field, values[c.field.name]) : null;
    datum[e.name] = record;
  }
  return datum;
}

/**
 * Field names as Salesforce's bitmap list: element 0 `0x…` sets bit i for top-level field i; each compound with
 * changed children adds `P-0x…` over its own fields. Hex is uppercase, padded to whole bytes; element 0 is left out
 * when no top-level field is named (a compound's children are named by its own element only).
 */
export function bitmap(schema: EventSchema, names: string[]): string[] {
  let top = 0n;
  const nested = new Map<number, bigint>();
  for (const n of names) {
    const pos = schema.positions.get(n);
    if (!pos) continue;
    if (pos[1] < 0) top |= 1n << BigInt(pos[0]);
    else nested.set(pos[0], (nested.get(pos[0]) ?? 0n) | (1n << BigInt(pos[1])));
  }
  const hex = (v: bigint) => {
    const h = v.toString(16).toUpperCase();
    return `0x${h.length % 2 ? `0${h}` : h}`;
  };
  const out = top ? [hex(top)] : [];
  for (const [p, v] of [...nested].sort((a, b) => a[0] - b[0])) out.push(`${p}-${hex(v)}`);
  return out;
}
