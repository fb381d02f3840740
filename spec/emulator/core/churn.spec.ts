import { VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { parseEmulatorArgs, runEmulatorCli } from '../../../src/emulator/main.js';
import { DEFAULT_CONSUMER_KEY, DEFAULT_CONSUMER_SECRET, DEFAULT_USER } from '../../../src/emulator/org.js';
import { Api, passwordLogin } from './helpers.js';

const START = Date.UTC(2024, 4, 1, 10, 0, 0);

describe('emulator churn', () => {
  let scheduler: VirtualTimeScheduler;
  let emu: Emulator;
  /** Advances the emulator's virtual clock by ms, running every timer due on the way. */
  const advance = (ms: number) => {
    scheduler.maxFrames = scheduler.frame + ms;
    scheduler.flush();
  };
  const stamps = (object: string) => [...emu.store.scan(object, { includeDeleted: true })]
    .filter(r => String(r.CreatedDate) >= '2024-05-01T10:00:00.000+0000');

  beforeEach(async () => {
    scheduler = new VirtualTimeScheduler(VirtualAction, 0);
    emu = await startEmulator({ port: 0, scheduler, now: () => START + scheduler.now(), seed: 7 });
  });
  afterEach(async () => { await emu.stop(); });

  it('makes rate writes per second of inserts, updates and deletes on the emulator clock, until stopped', () => {
    emu.churn.start(50);
    expect(emu.churn.running).toBeTrue();
    advance(10_000);
    const s = emu.churn.stats;
    expect(s.inserts + s.updates + s.deletes + s.refused).toBe(500);
    expect(s.inserts).toBeGreaterThan(50);
    expect(s.updates).toBeGreaterThan(50);
    expect(s.deletes).toBeGreaterThan(25);
    expect(emu.store.count('Account')).toBe(s.inserts - s.deletes);

    const rows = stamps('Account');
    expect(rows.length).toBe(s.inserts);
    for (const r of rows) {
      expect(String(r.SystemModstamp) >= String(r.CreatedDate)).withContext(r.Id).toBeTrue();
      expect(String(r.SystemModstamp) <= '2024-05-01T10:00:10.000+0000').withContext(r.Id).toBeTrue();
      expect(r.LastModifiedById).toBe(emu.org.users[0].userId);
      if (!r.IsDeleted) expect(r.LastModifiedDate).toBe(r.SystemModstamp);
    }
    expect(rows.filter(r => r.IsDeleted).length).toBe(s.deletes);
    expect(rows.some(r => r.SystemModstamp !== r.CreatedDate && !r.IsDeleted)).toBeTrue();

    emu.churn.stop();
    expect(emu.churn.running).toBeFalse();
    advance(10_000);
    expect(emu.churn.stats).toEqual(s);
  });

  it('writes to the objects it is given with the mix it is given, and can be retuned while running', () => {
    emu.churn.start({ rate: 20, objects: ['Contact', 'lead'], mix: { insert: 1, update: 0, delete: 0 } });
    expect(emu.churn.options).toEqual({ rate: 20, objects: ['Contact', 'Lead'], mix: { insert: 1, update: 0, delete: 0 } });
    advance(5000);
    expect(emu.store.count('Contact') + emu.store.count('Lead')).toBe(100);
    expect(emu.store.count('Contact')).toBeGreaterThan(20);
    expect(emu.store.count('Lead')).toBeGreaterThan(20);
    expect(emu.churn.stats).toEqual({ inserts: 100, updates: 0, deletes: 0, refused: 0 });
    emu.churn.start({ rate: 10, objects: ['Contact'], mix: { delete: 1, insert: 0, update: 0 } });
    const contacts = emu.store.count('Contact');
    advance(1000);
    expect(emu.store.count('Contact')).toBe(contacts - 10);
  });

  it('refuses options it cannot honour, naming the option', () => {
    expect(() => emu.churn.start(0)).toThrowError(/churn rate must be a positive number/);
    expect(() => emu.churn.start({ rate: 5, objects: ['Nope__c'] })).toThrowError('churn object Nope__c does not exist in the org');
    expect(() => emu.churn.start({ rate: 5, objects: ['Organization'] })).toThrowError(/cannot be inserted, updated and deleted/);
    expect(() => emu.churn.start({ rate: 5, mix: { insert: -1 } })).toThrowError(/mix.insert must be a number ≥ 0/);
    expect(() => emu.churn.start({ rate: 5, mix: { insert: 0, update: 0, delete: 0 } })).toThrowError(/at least one kind/);
    expect(emu.churn.running).toBeFalse();
    expect(emu.churn.stats).toEqual({ inserts: 0, updates: 0, deletes: 0, refused: 0 });
  });

  it('starts with the emulator from the churn option and stops with it', async () => {
    const own = new VirtualTimeScheduler(VirtualAction, 0);
    const churning = await startEmulator({ port: 0, scheduler: own, churn: { rate: 5, objects: ['Lead'] } });
    own.maxFrames = 2000;
    own.flush();
    expect(churning.churn.stats.inserts + churning.churn.stats.updates + churning.churn.stats.deletes).toBe(10);
    await churning.stop();
    expect(churning.churn.running).toBeFalse();
  });
});

describe('rxforce emulator --churn and --recycle-bin-retention', () => {
  it('parse into the churn and retention options, and refuse bad values', () => {
    expect(parseEmulatorArgs(['--churn', '50', '--churn-objects=Account, Contact', '--recycle-bin-retention', '3600']))
      .toEqual({ churn: { rate: 50, objects: ['Account', 'Contact'] }, recycleBinRetentionMs: 3_600_000 });
    expect(() => parseEmulatorArgs(['--churn', '0'])).toThrowError(/Invalid rate for --churn/);
    expect(() => parseEmulatorArgs(['--churn', 'fast'])).toThrowError(/Invalid rate for --churn/);
    expect(() => parseEmulatorArgs(['--churn-objects', 'Account'])).toThrowError(/--churn-objects needs --churn RATE/);
    expect(() => parseEmulatorArgs(['--churn', '5', '--churn-objects', ','])).toThrowError(/needs object names/);
    expect(() => parseEmulatorArgs(['--recycle-bin-retention', '-1'])).toThrowError(/--recycle-bin-retention/);
  });

  it('runs an org that keeps changing, visible through the API', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    let listening!: () => void;
    const ready = new Promise<void>(r => { listening = r; });
    const done = runEmulatorCli(['--port', '0', '--churn', '40', '--churn-objects', 'Account'],
      { log: line => { lines.push(line); listening(); }, signal: abort.signal });
    await ready;
    const url = /listening on (\S+)$/.exec(lines[0])![1];
    expect(lines).toContain('  churn: 40 writes/s on Account');
    const fake = { url, credentials: { username: DEFAULT_USER.username, password: DEFAULT_USER.password,
      consumerKey: DEFAULT_CONSUMER_KEY, consumerSecret: DEFAULT_CONSUMER_SECRET } };
    const api = new Api(fake as unknown as Emulator, await passwordLogin(fake as unknown as Emulator));
    const count = async () => (await api.call('GET', `/query/?q=${encodeURIComponent('SELECT COUNT() FROM Account')}`)).json().totalSize as number;
    const first = await count();
    let later = first;
    for (let i = 0; i < 200 && later === first; i++) {
      await new Promise(r => setTimeout(r, 50));
      later = await count();
    }
    expect(later).not.toBe(first);
    abort.abort();
    await done;
  });
});
