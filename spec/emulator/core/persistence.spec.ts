import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from './helpers.js';

describe('emulator persistence', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'rxforce-emu-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps records, deletions and blobs across a restart', async () => {
    const first = await Api.start({ dataDir: dir });
    const kept = await first.create('Account', { Name: 'kept', External_Id__c: 'P-1' });
    const gone = await first.create('Account', { Name: 'gone' });
    await first.call('DELETE', `/sobjects/Account/${gone}`);
    await first.create('Attachment', { ParentId: kept, Name: 'a.bin', Body: Buffer.from([0, 1, 2, 255]).toString('base64') });
    await first.emu.stop();

    const second = await Api.start({ dataDir: dir });
    try {
      expect(second.emu.store.get(kept)?.Name).toBe('kept');
      expect(second.emu.store.findBy('Account', 'External_Id__c', 'p-1').map(r => r.Id)).toEqual([kept]);
      expect(second.emu.store.get(gone)).toBeUndefined();
      expect(second.emu.store.get(gone, { includeDeleted: true })?.IsDeleted).toBeTrue();
      const att = [...second.emu.store.scan('Attachment')][0];
      expect(second.emu.store.blob(att.Id)).toEqual(Buffer.from([0, 1, 2, 255]));
      const next = await second.create('Account', { Name: 'after restart' });
      expect(next).not.toBe(kept);
      expect((await second.call('POST', '/sobjects/Account', { Name: 'dup', External_Id__c: 'P-1' })).status).toBe(400);
    } finally {
      await second.emu.stop();
    }
  });

  it('replays the journal written before a crash and ignores a torn last line', async () => {
    const first = await Api.start({ dataDir: dir });
    const id = await first.create('Account', { Name: 'journaled' });
    // the insert was journaled before the 201 went out
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain(id);
    await first.emu.stop();
    // recreate the state a crash leaves: no compaction, the journal ending in a half-written line
    rmSync(join(dir, 'snapshot.jsonl'));
    writeFileSync(join(dir, 'journal.jsonl'), `${journal}{"o":"i","r":{"Id":"001`);
    const second = await Api.start({ dataDir: dir });
    try {
      expect(second.emu.store.get(id)?.Name).toBe('journaled');
      expect(second.emu.store.count('Account')).toBe(1);
      await second.create('Account', { Name: 'after crash' });
    } finally {
      await second.emu.stop();
    }
    const third = await Api.start({ dataDir: dir });
    expect(third.emu.store.count('Account')).toBe(2);
    await third.emu.stop();
  });

  it('survives a crash in either step of compaction: a half-written snapshot, or a snapshot with its old journal', async () => {
    const first = await Api.start({ dataDir: dir });
    const id = await first.create('Account', { Name: 'v1' });
    await first.call('PATCH', `/sobjects/Account/${id}`, { Name: 'v2' });
    const gone = await first.create('Account', { Name: 'gone' });
    await first.call('DELETE', `/sobjects/Account/${gone}`);
    const journal = readFileSync(join(dir, 'journal.jsonl'), 'utf8');
    await first.emu.stop(); // compacts: the snapshot now holds everything, the journal is empty

    // killed after the snapshot was renamed into place, before the journal was emptied; and a torn temp file
    writeFileSync(join(dir, 'journal.jsonl'), journal);
    writeFileSync(join(dir, 'snapshot.jsonl.tmp'), '{"o":"i","r":{"Id":"001');
    const second = await Api.start({ dataDir: dir });
    try {
      expect(second.emu.store.get(id)?.Name).toBe('v2');
      expect(second.emu.store.get(gone)).toBeUndefined();
      expect(second.emu.store.count('Account')).toBe(1);
      expect(second.emu.store.count('Account', { includeDeleted: true })).toBe(2);
    } finally {
      await second.emu.stop();
    }
  });

  describe('a damaged journal', () => {
    async function journalOfThree(): Promise<{ lines: string[] }> {
      const first = await Api.start({ dataDir: dir });
      const ids = [await first.create('Account', { Name: 'one' }), await first.create('Account', { Name: 'two' }),
        await first.create('Account', { Name: 'three' })];
      const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trimEnd().split('\n');
      await first.emu.stop();
      rmSync(join(dir, 'snapshot.jsonl'));
      expect(ids.length).toBe(3);
      return { lines };
    }

    async function startError(): Promise<Error> {
      const e = await Api.start({ dataDir: dir }).then(async api => { await api.emu.stop(); return undefined; }, (err: unknown) => err);
      expect(e).toBeInstanceOf(Error);
      return e as Error;
    }

    it('refuses to start when a line that is not the last is damaged, naming file, line and how to recover', async () => {
      const { lines } = await journalOfThree();
      const at = lines.findIndex(l => l.includes('"two"'));
      lines[at] = lines[at]!.slice(0, 20);
      writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);
      const e = await startError();
      expect(e.name).toBe('JournalDamagedError');
      expect(e.message).toContain(`${join(dir, 'journal.jsonl')}:${at + 1}:`);
      expect(e.message).toMatch(/not valid JSON/);
      expect(e.message).toMatch(/restore the data directory from a backup/);
      expect(e.message).toContain(`head -n ${at}`);
    });

    it('refuses valid JSON of the wrong shape with a clear error', async () => {
      const { lines } = await journalOfThree();
      for (const wrong of ['null', '{"o":"i","r":null}', '{"o":"u","id":"001"}', '[1,2]', '{"o":"z"}']) {
        writeFileSync(join(dir, 'journal.jsonl'), `${[lines[0], wrong, ...lines.slice(1)].join('\n')}\n`);
        const e = await startError();
        expect(e.name).withContext(wrong).toBe('JournalDamagedError');
        expect(e.message).withContext(wrong).toContain('journal.jsonl:2:');
        expect(e.message).not.toMatch(/Cannot read properties/);
      }
    });
  });
});
