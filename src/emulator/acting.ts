/**
 * The request context of a write: a view of the org's store that stamps every write with one user. A request holds
 * its own view for its whole life, so its user is carried explicitly instead of being a field of the shared store
 * set before an await (where another request could change it).
 */
import type { DmlResult, OrgStore, StoredRecord } from './types.js';

export class ActingStore implements OrgStore {
  constructor(readonly org: OrgStore, private readonly userId: string) {}

  get schema(): OrgStore['schema'] {
    return this.org.schema;
  }

  get actingUserId(): string {
    return this.userId;
  }

  actingAs(userId: string): OrgStore {
    return this.org.actingAs(userId);
  }

  runAs<T>(userId: string, fn: () => T): T {
    return this.org.runAs(userId, fn);
  }

  get(id: string, opts?: { includeDeleted?: boolean }): StoredRecord | undefined {
    return this.org.get(id, opts);
  }

  scan(sobject: string, opts?: { includeDeleted?: boolean }): Iterable<StoredRecord> {
    return this.org.scan(sobject, opts);
  }

  findBy(sobject: string, field: string, value: unknown): StoredRecord[] {
    return this.org.findBy(sobject, field, value);
  }

  count(sobject: string, opts?: { includeDeleted?: boolean }): number {
    return this.org.count(sobject, opts);
  }

  blob(id: string): Buffer | undefined {
    return this.org.blob(id);
  }

  insert(sobject: string, fields: Record<string, unknown>): DmlResult {
    return this.org.runAs(this.userId, () => this.org.insert(sobject, fields));
  }

  update(sobject: string | undefined, id: string, fields: Record<string, unknown>): DmlResult {
    return this.org.runAs(this.userId, () => this.org.update(sobject, id, fields));
  }

  upsert(sobject: string, externalIdField: string, value: string, fields: Record<string, unknown>): DmlResult {
    return this.org.runAs(this.userId, () => this.org.upsert(sobject, externalIdField, value, fields));
  }

  delete(id: string, opts?: { hard?: boolean }): DmlResult {
    return this.org.runAs(this.userId, () => this.org.delete(id, opts));
  }

  transaction<T>(fn: () => T): T {
    return this.org.runAs(this.userId, () => this.org.transaction(fn));
  }

  begin(): (commit: boolean) => void {
    return this.org.begin();
  }

  setBlob(id: string, data: Buffer): void {
    this.org.runAs(this.userId, () => this.org.setBlob(id, data));
  }
}
