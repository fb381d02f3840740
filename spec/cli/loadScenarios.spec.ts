/**
 * `rxforce load` as a user meets it: a file with a few bad rows loads the rest, and Ctrl-C during a long bulk load
 * aborts the job and still accounts for every row. The interrupt specs run the CLI as its own process and signal it.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { startEmulator, type Emulator } from '../../src/emulator/index.js';
import { loginFlags, rxforce, scratchDir } from './support.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The CLI in a child process; `onStderr` sees stderr as it comes, with the process to signal, and `onSpawn` gets
 * the signal at once (to send it on something else than output).
 */
function spawnCli(args: string[], onStderr: (text: string, signal: (s: NodeJS.Signals) => void) => void,
  onSpawn?: (signal: (s: NodeJS.Signals) => void) => void) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  onSpawn?.(s => child.kill(s));
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', d => { stdout += String(d); });
  child.stderr.on('data', d => {
    stderr += String(d);
    onStderr(stderr, s => child.kill(s));
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(done => {
    child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
  });
}

/**
 * A pass-through proxy in front of the emulator that holds the bulk upload (`PUT …/jobs/ingest/{id}/batches`): it
 * reads the body and never answers, so the upload stays in progress for as long as the test wants, whatever the
 * machine's speed. The token response's instance_url follows the Host header, so every request comes this way.
 */
async function uploadHoldingProxy(target: string) {
  const upstream = new URL(target);
  let heldBody: Buffer | undefined;
  let heldHeaders: IncomingHttpHeaders | undefined;
  let heldPath = '';
  let onHold: (() => void) | undefined;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, answer => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    if (req.method === 'PUT' && /\/jobs\/ingest\/\w+\/batches$/.test(req.url ?? '') && heldBody === undefined) {
      const chunks: Buffer[] = [];
      heldHeaders = req.headers;
      heldPath = req.url!;
      heldBody = Buffer.alloc(0);
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('close', () => { heldBody = Buffer.concat(chunks); });
      onHold?.();
      return;
    }
    forward(req, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Calls `fn` once the upload is held (at once if it already is). */
    whenHeld(fn: () => void) { onHold = fn; if (heldBody !== undefined) fn(); },
    /** Sends the held upload on to the org now, as a network that delivered it late would; resolves with the status. */
    async deliverLate(): Promise<number> {
      const body = heldBody!;
      return new Promise<number>((resolve, reject) => {
        const headers = { ...heldHeaders, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        const out = request({ host: upstream.hostname, port: upstream.port, method: 'PUT', path: heldPath, headers }, answer => {
          answer.resume();
          answer.on('end', () => resolve(answer.statusCode ?? 0));
        });
        out.on('error', reject);
        out.end(body);
      });
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
    },
  };
}

const rowsOf = (file: string) => parse(readFileSync(file, 'utf8'), { columns: true }) as Record<string, string>[];

describe('rxforce load: a file with bad rows, and Ctrl-C', () => {
  const tmp = scratchDir();
  afterAll(() => tmp.remove());

  describe('300 rows, 2 missing Name', () => {
    let emu: Emulator;
    beforeAll(async () => { emu = await startEmulator({ port: 0, seed: 5 }); });
    afterAll(async () => { await emu.stop(); });

    it('loads the 298, puts the 2 in failed.csv with REQUIRED_FIELD_MISSING, names their lines, exits 1; the 298 names query back byte-exact', async () => {
      // names CSV must quote: commas, quotes, a line break, non-ASCII
      const names = Array.from({ length: 300 }, (_, i) => {
        const n = String(i + 1).padStart(3, '0');
        return i % 50 === 7 ? `FC ${n}, "quoted" & co` : i % 50 === 9 ? `FC ${n} Zoë 日本` : i % 50 === 11 ? `FC ${n}\nsecond line` : `FC ${n}`;
      });
      const missing = new Set([41, 222]); // 0-based rows without a Name
      let csv = 'Name,NumberOfEmployees\n';
      const lineOf = new Map<number, number>();
      let line = 2;
      names.forEach((name, i) => {
        lineOf.set(i, line);
        const cell = missing.has(i) ? '' : /[",\n]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
        csv += `${cell},${i}\n`;
        line += cell.split('\n').length;
      });
      const file = tmp.path('accounts-300.csv');
      writeFileSync(file, csv);

      const load = await rxforce(['load', 'insert', 'Account', file, '--results', tmp.path('r300'), ...loginFlags(emu)]);
      expect(load.code).withContext(load.stderr).toBe(1);
      expect(load.stderr).toContain('300 rows — 298 successful, 2 failed, 0 unprocessed');
      for (const i of missing) {
        expect(load.stderr).toContain(`line ${lineOf.get(i)}: REQUIRED_FIELD_MISSING:Required fields are missing: [Name] (not sent)`);
      }
      expect(load.stderr).not.toMatch(/record \d/);

      const failed = rowsOf(tmp.path('r300/failed.csv'));
      expect(failed.map(r => [r.NumberOfEmployees, r.sf__Error])).toEqual([...missing].map(i =>
        [String(i), 'REQUIRED_FIELD_MISSING:Required fields are missing: [Name]']));
      expect(rowsOf(tmp.path('r300/successful.csv')).length).toBe(298);
      expect(rowsOf(tmp.path('r300/unprocessed.csv')).length).toBe(0);
      // never sent: the org holds 298 Accounts and saw no failure
      expect([...emu.store.scan('Account')].filter(a => String(a.Name).startsWith('FC ')).length).toBe(298);

      const back = await rxforce(['query', "SELECT Name FROM Account WHERE Name LIKE 'FC %' ORDER BY NumberOfEmployees", '--format', 'csv',
        ...loginFlags(emu)]);
      expect(back.code).withContext(back.stderr).toBe(0);
      const expected = 'Name\n' + names.filter((_, i) => !missing.has(i))
        .map(n => (/[",\n]/.test(n) ? `"${n.replace(/"/g, '""')}"` : n)).map(c => `${c}\n`).join('');
      expect(Buffer.from(back.stdout).equals(Buffer.from(expected))).withContext(back.stdout.slice(0, 300)).toBeTrue();
    });

    it('--dry-run checks every row, writes the failures and sends nothing', async () => {
      const file = tmp.path('dry.csv');
      writeFileSync(file, 'Name,NumberOfEmployees\nDry One,1\n,2\nDry Three,three\n');
      const before = emu.stats.apiRequests;
      const res = await rxforce(['load', 'insert', 'Account', file, '--dry-run', '--results', tmp.path('dry'), ...loginFlags(emu)]);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('(dry run, nothing sent): 3 rows — 1 pass the check, 2 fail it');
      expect(rowsOf(tmp.path('dry/failed.csv')).map(r => r.sf__Error.split(':')[0])).toEqual(['REQUIRED_FIELD_MISSING', 'INVALID_TYPE_ON_FIELD_IN_RECORD']);
      expect(rowsOf(tmp.path('dry/successful.csv'))).toEqual([]);
      expect([...emu.store.scan('Account')].some(a => String(a.Name).startsWith('Dry '))).toBeFalse();
      // describe (and login) only: no job, no record write
      expect(emu.stats.apiRequests - before).toBeLessThanOrEqual(3);
    });
  });

  describe('Ctrl-C during a 50,000-row bulk load', () => {
    let emu: Emulator;
    let file: string;
    beforeAll(async () => {
      // 5,000 records a second: the job needs about 10 s, so an interrupt 2 s in finds it running
      emu = await startEmulator({ port: 0, seed: 6, bulkRecordsPerSecond: 5_000 });
      file = tmp.path('accounts-50000.csv');
      writeFileSync(file, 'Name,NumberOfEmployees\n' + Array.from({ length: 50_000 }, (_, i) => `Big ${i},${i}\n`).join(''));
    });
    afterAll(async () => { await emu.stop(); });

    it('prints the job id at once, aborts the job, writes every row to one result file, prints one summary line and exits 130', async () => {
      let sent = false;
      const res = await spawnCli(['load', 'insert', 'Account', file, '--results', tmp.path('big'), ...loginFlags(emu)], (text, signal) => {
        if (!sent && /bulk job 750\w+/.test(text)) {
          sent = true;
          setTimeout(() => signal('SIGINT'), 2_000);
        }
      });
      expect(res.code).withContext(res.stderr).toBe(130);
      const jobId = /bulk job (750\w+)/.exec(res.stderr)![1]!;
      const lines = res.stderr.trim().split('\n');
      expect(lines[0]).toBe(`bulk job ${jobId} (Account insert)`);
      expect(lines.at(-1)).toMatch(new RegExp(`^rxforce: interrupted \\(SIGINT\\): Account insert stopped \\(bulk job ${jobId} (Aborted|JobComplete)\\): 50000 rows — \\d+ successful, 0 failed, \\d+ unprocessed; results in `));
      expect(lines.length).toBe(2);

      const status = await rxforce(['job', 'status', jobId, '--json', ...loginFlags(emu)]);
      const job = JSON.parse(status.stdout) as { state: string; numberRecordsProcessed: number };
      expect(['Aborted', 'JobComplete']).toContain(job.state);
      const ok = rowsOf(tmp.path('big/successful.csv'));
      const unprocessed = rowsOf(tmp.path('big/unprocessed.csv'));
      expect(rowsOf(tmp.path('big/failed.csv'))).toEqual([]);
      if (job.state === 'JobComplete') expect(unprocessed.length).toBe(0);
      else expect(unprocessed.length).toBeGreaterThan(0);
      // every row exactly once; the successful ones are exactly what the org holds
      const all = [...ok, ...unprocessed].map(r => Number(r.NumberOfEmployees)).sort((a, b) => a - b);
      expect(all.length).toBe(50_000);
      expect(all.every((n, i) => n === i)).toBeTrue();
      expect(ok.length).toBe(job.numberRecordsProcessed);
      const saved = [...emu.store.scan('Account')].filter(a => String(a.Name).startsWith('Big ')).length;
      expect(saved).toBe(ok.length);
      expect(lines.at(-1)).toContain(`${ok.length} successful, 0 failed, ${unprocessed.length} unprocessed`);
    }, 120_000);

    it('Ctrl-C while the upload is in progress: the job is aborted, its id printed, every row unprocessed, nothing loaded, exit 130', async () => {
      const held = tmp.path('held-50000.csv');
      writeFileSync(held, 'Name,NumberOfEmployees\n' + Array.from({ length: 50_000 }, (_, i) => `Held ${i},${i}\n`).join(''));
      const out = tmp.path('held');
      const proxy = await uploadHoldingProxy(emu.url);
      try {
        const flags = loginFlags(emu).map(f => (f === emu.url ? proxy.url : f));
        // the interrupt comes once the CLI said which job it made and its upload reached the org (held there): no
        // fixed wait, so a slow machine changes nothing
        let jobLine = false;
        let uploading = false;
        let sent = false;
        let send: ((s: NodeJS.Signals) => void) | undefined;
        const interrupt = () => {
          if (!sent && jobLine && uploading && send) {
            sent = true;
            send('SIGINT');
          }
        };
        proxy.whenHeld(() => {
          uploading = true;
          interrupt();
        });
        const res = await spawnCli(['load', 'insert', 'Account', held, '--results', out, ...flags], (text, signal) => {
          send = signal;
          jobLine ||= /^bulk job 750\w+ \(Account insert\)$/m.test(text);
          interrupt();
        });
        expect(sent).withContext(res.stderr).toBeTrue();
        expect(res.code).withContext(res.stderr).toBe(130);
        const jobId = /^bulk job (750\w+)/.exec(res.stderr)![1]!;
        expect(res.stderr.trim().split('\n')).toEqual([
          `bulk job ${jobId} (Account insert)`,
          `rxforce: interrupted (SIGINT): Account insert stopped (bulk job ${jobId} Aborted): 50000 rows — `
            + `0 successful, 0 failed, 50000 unprocessed; results in ${out}`,
        ]);

        const unprocessed = rowsOf(join(out, 'unprocessed.csv'));
        expect(unprocessed.length).toBe(50_000);
        expect(unprocessed.every((r, i) => r.Name === `Held ${i}` && r.NumberOfEmployees === String(i))).toBeTrue();
        expect(rowsOf(join(out, 'successful.csv'))).toEqual([]);
        expect(rowsOf(join(out, 'failed.csv'))).toEqual([]);

        // the org aborted the job and saved nothing of it; the upload, arriving after the abort, is refused
        const heldRows = () => [...emu.store.scan('Account')].filter(a => String(a.Name).startsWith('Held ')).length;
        expect(heldRows()).toBe(0);
        expect(await proxy.deliverLate()).toBeGreaterThanOrEqual(400);
        const status = await rxforce(['job', 'status', jobId, '--json', ...loginFlags(emu)]);
        expect(status.code).withContext(status.stderr).toBe(0);
        const job = JSON.parse(status.stdout) as { state: string; numberRecordsProcessed: number };
        expect(job.state).toBe('Aborted');
        expect(job.numberRecordsProcessed).toBe(0);
        expect(heldRows()).toBe(0);
      } finally {
        await proxy.close();
      }
    }, 120_000);

    it('Ctrl-C before the job exists (the file still being checked): no job, every row in unprocessed.csv, one summary line, exit 130', async () => {
      emu.faults.set({ latencyMs: 1_000 }); // login and describe take long enough to be interrupted
      const early = tmp.path('early-50000.csv');
      writeFileSync(early, 'Name,NumberOfEmployees\n' + Array.from({ length: 50_000 }, (_, i) => `Early ${i},${i}\n`).join(''));
      const before = { requests: emu.stats.requests };
      const out = tmp.path('early');
      let poll: NodeJS.Timeout | undefined;
      try {
        // the interrupt comes once the CLI's first request reached the org: the load is under way, no job yet
        const res = await spawnCli(['load', 'insert', 'Account', early, '--results', out, ...loginFlags(emu)], () => undefined,
          signal => {
            poll = setInterval(() => {
              if (emu.stats.requests === before.requests) return;
              clearInterval(poll);
              signal('SIGINT');
            }, 10);
          });
        expect(res.code).withContext(res.stderr).toBe(130);
        expect(res.stderr.trim().split('\n')).toEqual([`rxforce: interrupted (SIGINT): Account insert stopped: 50000 rows — `
          + `0 successful, 0 failed, 50000 unprocessed; results in ${out}`]);
        const unprocessed = rowsOf(join(out, 'unprocessed.csv')).map(r => Number(r.NumberOfEmployees));
        expect(unprocessed.length).toBe(50_000);
        expect(unprocessed.every((n, i) => n === i)).toBeTrue();
        expect(rowsOf(join(out, 'successful.csv'))).toEqual([]);
        expect(rowsOf(join(out, 'failed.csv'))).toEqual([]);
        expect([...emu.store.scan('Account')].filter(a => String(a.Name).startsWith('Early '))).toEqual([]);
      } finally {
        clearInterval(poll);
        emu.faults.set({ latencyMs: 0 });
      }
    }, 120_000);

    it('a second Ctrl-C exits at once, printing the job id', async () => {
      emu.faults.set({ latencyMs: 3_000 }); // the abort takes long enough to interrupt twice
      let sent = false;
      try {
        const res = await spawnCli(['load', 'insert', 'Account', file, ...loginFlags(emu)], (text, signal) => {
          if (!sent && /bulk job 750\w+/.test(text)) {
            sent = true;
            setTimeout(() => signal('SIGTERM'), 200);
            setTimeout(() => signal('SIGINT'), 700);
          }
        });
        expect(res.code).withContext(res.stderr).toBe(130);
        const jobId = /bulk job (750\w+)/.exec(res.stderr)![1]!;
        expect(res.stderr.trim().split('\n').at(-1)).toBe(`rxforce: interrupted again: bulk job ${jobId} may still be running `
          + `(rxforce job status ${jobId}; rxforce job abort ${jobId})`);
      } finally {
        emu.faults.set({ latencyMs: 0 });
      }
    }, 120_000);
  });
});
