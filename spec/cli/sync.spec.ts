import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createTestDatabase, postgresUrl } from '../support/postgres.js';
import { rxforce, scratchDir } from './support.js';

const ENTRY = ['--import', 'tsx', 'src/cli/main.ts'];

describe('rxforce sync', () => {
  const tmp = scratchDir();
  let emu: Emulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, seed: 3 });
    for (let i = 0; i < 120; i++) emu.store.insert('Account', { Name: `Acct ${i}`, Industry: i % 2 ? 'Energy' : 'Banking' });
    for (let i = 0; i < 30; i++) emu.store.insert('Lead', { LastName: `Lead ${i}`, Company: 'Co' });
    const c = emu.credentials;
    env = { SF_LOGIN_URL: emu.url, SF_USERNAME: c.username, SF_PASSWORD: c.password, SF_CLIENT_ID: c.consumerKey,
      SF_CLIENT_SECRET: c.consumerSecret };
  });
  afterAll(async () => {
    await emu.stop();
    tmp.remove();
  });

  it('refuses bad arguments with exit 2 before any request', async () => {
    const before = emu.stats.apiRequests;
    const cases: [string[], RegExp][] = [
      [['sync', 'Account'], /^rxforce: sync needs --to sqlite:PATH or --to postgres:/],
      [['sync', 'Account', '--to', 'mysql://db/x'], /^rxforce: --to must be sqlite:PATH or postgres/],
      [['sync', 'Account', 'Bad-Name', '--to', 'sqlite:x.db'], /^rxforce: object "Bad-Name" is not an API name/],
      [['sync', 'Account', '--to', 'sqlite:x.db', '--interval', '0'], /^rxforce: --interval must be a number of seconds/],
      [['sync', 'Account', '--to', 'sqlite:x.db', '--once', '--interval', '5'], /^rxforce: --once and --interval exclude each other/],
      [['sync', 'status', 'Account', '--to', 'sqlite:x.db'], /^rxforce: sync status takes no objects/],
    ];
    for (const [args, message] of cases) {
      const res = await rxforce(args, { ...env });
      expect(res.code).withContext(args.join(' ')).toBe(2);
      expect(res.stderr).withContext(args.join(' ')).toMatch(message);
      expect(res.stderr.trim().split('\n').length).toBe(1);
    }
    expect((await rxforce(['sync', '--to', 'sqlite:x.db'], env)).code).toBe(2);
    expect(emu.stats.apiRequests).toBe(before);
  });

  it('--once loads each object, then brings it up to date in one round; status shows checkpoints and rows', async () => {
    const file = tmp.path('once.db');
    const leads = emu.store.count('Lead');
    const first = await rxforce(['sync', 'Account', 'Lead', '--to', `sqlite:${file}`, '--once'], env);
    expect(first.code).withContext(first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^\S+Z Account initial load: 120 upserts, 0 deletes, lag \d+\.\d s$/m);
    expect(first.stdout).toMatch(new RegExp(`^\\S+Z Lead initial load: ${leads} upserts, 0 deletes, lag \\d+\\.\\d s$`, 'm'));
    expect(first.stdout.trim().split('\n').length).toBe(2);

    const [a, b] = [...emu.store.scan('Account')];
    emu.store.update('Account', a!.Id, { Name: 'Renamed' });
    emu.store.delete(b!.Id);
    const again = await rxforce(['sync', 'Account', 'Lead', '--to', `sqlite:${file}`, '--once'], env);
    expect(again.code).withContext(again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^\S+Z Account round: \d+ upserts?, 1 delete, lag/m);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT "Name" AS n FROM "Account" WHERE "Id" = ?').get(a!.Id)).toEqual({ n: 'Renamed' });
      expect(db.prepare('SELECT COUNT(*) AS n FROM "Account" WHERE "Id" = ?').get(b!.Id)).toEqual({ n: 0 });
      expect(db.prepare('SELECT COUNT(*) AS n FROM "Account"').get()).toEqual({ n: 119 });
    } finally {
      db.close();
    }

    const status = await rxforce(['sync', 'status', '--to', `sqlite:${file}`], {});
    expect(status.code).withContext(status.stderr).toBe(0);
    const lines = status.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^object\s+rows\s+changes up to\s+last full load$/);
    expect(lines.slice(1).map(l => l.split(/\s+/).slice(0, 2))).toEqual(jasmine.arrayWithExactContents([['Account', '119'], ['Lead', String(leads)]]));
    expect(lines[1]).toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\s+\d{4}-/);
  });

  it('keeps deleted rows with IsDeleted set under --keep-deleted, and mirrors only --fields', async () => {
    const file = tmp.path('keep.db');
    expect((await rxforce(['sync', 'Lead', '--to', `sqlite:${file}`, '--once', '--keep-deleted', '--fields', 'LastName,Company'], env)).code).toBe(0);
    const lead = [...emu.store.scan('Lead')][0]!;
    emu.store.delete(lead.Id);
    const res = await rxforce(['sync', 'Lead', '--to', `sqlite:${file}`, '--once', '--keep-deleted', '--fields', 'LastName,Company'], env);
    expect(res.code).withContext(res.stderr).toBe(0);
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(file, { readonly: true });
    try {
      const columns = (db.prepare('PRAGMA table_info("Lead")').all() as { name: string }[]).map(c => c.name);
      expect(columns).toContain('LastName');
      expect(columns).not.toContain('Status');
      expect(db.prepare('SELECT "IsDeleted" AS d FROM "Lead" WHERE "Id" = ?').get(lead.Id)).toEqual({ d: 1 });
    } finally {
      db.close();
    }
  });

  it('says so when there is no mirror to show', async () => {
    const res = await rxforce(['sync', 'status', '--to', `sqlite:${tmp.path('none.db')}`], {});
    expect(res.code).toBe(1);
    expect(res.stderr).toBe(`rxforce: no mirror at sqlite:${tmp.path('none.db')}\n`);
  });

  it('as a daemon logs one line per round and stops on SIGTERM with exit 0, its checkpoint stored', async () => {
    const file = tmp.path('daemon.db');
    const child = spawn(process.execPath, [...ENTRY, 'sync', 'Account', '--to', `sqlite:${file}`, '--interval', '0.2'],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      let err = '';
      child.stdout.on('data', d => { out += String(d); });
      child.stderr.on('data', d => { err += String(d); });
      const until = Date.now() + 60_000;
      while (!/Account round:/.test(out) && child.exitCode === null && Date.now() < until) await new Promise(r => setTimeout(r, 20));
      expect(out).toMatch(/Account initial load: \d+ upserts/);
      expect(out).toMatch(/Account round: \d+ upserts?, \d+ deletes?, lag/);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit') as [number | null];
      expect(code).withContext(err).toBe(0);
      expect(err).toContain('sync stopped');
      const status = await rxforce(['sync', 'status', '--to', `sqlite:${file}`], {});
      expect(status.stdout).toMatch(new RegExp(`^Account\\s+${emu.store.count('Account')}\\s+\\d{4}-`, 'm'));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 90_000);
  describe('interrupted while a batch waits for the database (Postgres, its table locked by another session)', () => {
    /**
     * Starts the daemon on a fresh database, lets it load, then locks the mirror's table from another session and
     * changes an Account, so the next round's batch waits for the lock. Hands over the daemon and the lock.
     */
    const storedWatermark = async (c: import('pg').Client) => (await c.query<{ w: string }>(
      "SELECT checkpoint->>'watermark' AS w FROM _rxforce_checkpoints WHERE object = 'Account'")).rows[0]!.w;

    async function blockedDaemon(url: string) {
      const pg = (await import('pg')).default;
      const child = spawn(process.execPath, [...ENTRY, 'sync', 'Account', '--to', url, '--interval', '0.3'],
        { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = { stdout: '', stderr: '' };
      child.stdout.on('data', d => { out.stdout += String(d); });
      child.stderr.on('data', d => { out.stderr += String(d); });
      const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      const until = Date.now() + 60_000;
      while (!/Account initial load:/.test(out.stdout) && child.exitCode === null && Date.now() < until) await new Promise(r => setTimeout(r, 20));
      expect(out.stdout).withContext(out.stderr).toMatch(/Account initial load: \d+ upserts/);
      const lock = new pg.Client({ connectionString: url });
      await lock.connect();
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE "Account" IN ACCESS EXCLUSIVE MODE');
      const account = [...emu.store.scan('Account')][3]!;
      const name = `Renamed while locked ${Date.now()}`;
      emu.store.update('Account', account.Id, { Name: name });
      // the daemon's batch with the change is waiting for the lock
      for (;;) {
        const { rows } = await lock.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (rows[0]!.n > 0 || child.exitCode !== null || Date.now() > until) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(child.exitCode).withContext(out.stderr).toBeNull();
      const watermark = await storedWatermark(lock);
      return { child, out, exited, lock, id: account.Id, name, watermark };
    }

    type BlockedDaemon = Awaited<ReturnType<typeof blockedDaemon>>;

    /**
     * Blocks a daemon on a fresh database (`blockedDaemon`), interrupts it once and checks it is still running (it
     * waits for the batch in hand), then runs `check`; the daemon, the lock and the database go afterwards.
     */
    async function afterFirstInterrupt(check: (daemon: BlockedDaemon, url: string) => Promise<void>) {
      const db = await createTestDatabase(postgresUrl());
      let daemon: BlockedDaemon | undefined;
      try {
        daemon = await blockedDaemon(db.url);
        daemon.child.kill('SIGINT');
        await new Promise(r => setTimeout(r, 500));
        expect(daemon.child.exitCode).withContext(daemon.out.stderr).toBeNull();
        await check(daemon, db.url);
      } finally {
        if (daemon?.child.exitCode === null) daemon.child.kill('SIGKILL');
        await daemon?.lock.end().catch(() => undefined);
        await db.drop();
      }
    }

    it('the first interrupt waits for the batch in hand, commits it with its checkpoint and exits 0', () => afterFirstInterrupt(async daemon => {
      const { out, exited, lock } = daemon;
      await lock.query('ROLLBACK');
      const [code] = await exited;
      expect(code).withContext(out.stderr).toBe(0);
      expect(out.stderr).toContain('rxforce: sync stopped; the mirror in');
      const { rows } = await lock.query<{ Name: string; s: Date }>('SELECT "Name", "SystemModstamp" AS s FROM "Account" WHERE "Id" = $1', [daemon.id]);
      expect(rows.map(r => r.Name)).toEqual([daemon.name]);
      // the round's checkpoint was committed with the change: it remembers the change, at its stamp, as applied
      const seen = (await lock.query<{ s: Record<string, string[]> }>("SELECT checkpoint->'seen' AS s FROM _rxforce_checkpoints WHERE object = 'Account'")).rows[0]!.s;
      expect(Object.keys(seen).filter(stamp => seen[stamp]!.includes(daemon.id))).toEqual([rows[0]!.s.toISOString()]);
      expect(Date.parse(await storedWatermark(lock))).toBeGreaterThanOrEqual(Date.parse(daemon.watermark));
    }), 120_000);

    it('a second interrupt exits at once with 130, saying where the mirror stands; the next run catches up', () => afterFirstInterrupt(async (daemon, url) => {
      const { child, out, exited, lock } = daemon;
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      expect([code, signal]).withContext(out.stderr).toEqual([130, null]);
      const shown = url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
      expect(out.stderr.trim().split('\n').at(-1)).toBe(`rxforce: interrupted again: sync stopped at once; the batch in hand was not `
        + `committed, and the mirror in ${shown} holds every change up to its last stored checkpoint, from which the next run resumes`);
      await lock.query('ROLLBACK');
      const again = await rxforce(['sync', 'Account', '--to', url, '--once'], env);
      expect(again.code).withContext(again.stderr).toBe(0);
      const { rows } = await lock.query<{ Name: string }>('SELECT "Name" FROM "Account" WHERE "Id" = $1', [daemon.id]);
      expect(rows).toEqual([{ Name: daemon.name }]);
    }), 120_000);
  });
});
