import type { JournalEntry } from '../../../src/emulator/persist/journal.js';
import { Registry } from '../../../src/emulator/schema/registry.js';
import { Store } from '../../../src/emulator/store.js';

describe('emulator store commit listener', () => {
  let store: Store;
  let seen: JournalEntry[];
  let stop: () => void;
  beforeEach(() => {
    store = new Store(new Registry(), { now: () => Date.UTC(2026, 0, 1) });
    seen = [];
    stop = store.onCommit(e => seen.push(structuredClone(e)));
  });

  it('tells each committed insert, update and delete in order', () => {
    const id = store.insert('Account', { Name: 'Acme' }).id!;
    store.update('Account', id, { Name: 'Acme 2' });
    store.delete(id);
    expect(seen.map(e => e.o)).toEqual(['i', 'u', 'u']);
    expect(seen[0]).toEqual(jasmine.objectContaining({ o: 'i', r: jasmine.objectContaining({ Id: id, Name: 'Acme' }) }));
    expect(seen[1]).toEqual(jasmine.objectContaining({ o: 'u', id, f: jasmine.objectContaining({ Name: 'Acme 2' }) }));
    expect(seen[2]).toEqual(jasmine.objectContaining({ o: 'u', id, f: jasmine.objectContaining({ IsDeleted: true }) }));
  });

  it('leaves a value sent unchanged out of the update it records', () => {
    const id = store.insert('Account', { Name: 'Acme', Industry: 'Energy' }).id!;
    store.update('Account', id, { Name: 'Acme', Industry: 'Technology' });
    const u = seen[1] as Extract<JournalEntry, { o: 'u' }>;
    expect(Object.keys(u.f)).toContain('Industry');
    expect(Object.keys(u.f)).not.toContain('Name');
    expect(store.get(id)?.Name).toBe('Acme');
  });

  it('tells a transaction only when it commits, and never a rolled-back one', () => {
    store.transaction(() => {
      store.insert('Account', { Name: 'kept' });
      expect(seen.length).withContext('nothing before the commit').toBe(0);
      return true;
    });
    expect(seen.length).toBe(1);
    store.transaction(() => {
      store.insert('Account', { Name: 'rolled back' });
      return false;
    });
    expect(seen.length).toBe(1);
  });

  it('stops telling after unsubscribe', () => {
    stop();
    store.insert('Account', { Name: 'Acme' });
    expect(seen).toEqual([]);
  });
});
