import { parseEmulatorArgs, runEmulatorCli } from '../../../src/emulator/main.js';
import { raw } from './helpers.js';

describe('emulator CLI', () => {
  it('parses every flag, in both spellings', () => {
    expect(parseEmulatorArgs(['--port', '0', '--host=127.0.0.1', '--latency', '5', '--jitter', '2', '--data-dir', '/tmp/x',
      '--fail-rate', '0.1', '--reset-rate=0.2', '--lock-rate', '0.3', '--session-ttl-requests', '9',
      '--session-ttl-seconds', '60', '--daily-api-limit', '500', '--max-concurrent', '4', '--bulk-rate', '1000']))
      .toEqual({ port: 0, host: '127.0.0.1', latencyMs: 5, jitterMs: 2, dataDir: '/tmp/x', failRate: 0.1, resetRate: 0.2,
        lockRate: 0.3, sessionTtlRequests: 9, sessionTtlSeconds: 60, dailyApiLimit: 500, maxConcurrent: 4,
        bulkRecordsPerSecond: 1000 });
    expect(() => parseEmulatorArgs(['--nope', '1'])).toThrowError(/Unknown option --nope/);
    expect(() => parseEmulatorArgs(['--port', 'abc'])).toThrowError(/Invalid port for --port: abc/);
    expect(() => parseEmulatorArgs(['--port', '99999'])).toThrowError(/Invalid port for --port: 99999 \(a whole number from 0 to 65535/);
    expect(() => parseEmulatorArgs(['bogus'])).toThrowError(/unexpected argument "bogus"/);
    expect(() => parseEmulatorArgs(['--latency', '--port', '0'])).toThrowError(/--latency needs a value/);
    expect(parseEmulatorArgs(['--demo-data', '--port', '0'])).toEqual({ port: 0 });
  });

  it('allows browser pages from the origins named by --cors-origin, and no others', async () => {
    expect(parseEmulatorArgs(['--cors-origin', 'https://app.example.com', '--cors-origin=http://10.0.0.5:4200']))
      .toEqual({ corsOrigins: ['https://app.example.com', 'http://10.0.0.5:4200'] });
    const lines: string[] = [];
    const abort = new AbortController();
    let listening!: () => void;
    const ready = new Promise<void>(r => { listening = r; });
    const done = runEmulatorCli(['--port', '0', '--cors-origin', 'https://app.example.com'],
      { log: line => { lines.push(line); listening(); }, signal: abort.signal });
    await ready;
    const url = /listening on (\S+)$/.exec(lines[0])![1];
    const preflight = (origin: string) => raw(`${url}/services/data/`, { method: 'OPTIONS', headers: {
      Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization' } });
    expect((await preflight('https://app.example.com')).headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect((await preflight('https://evil.example.com')).headers['access-control-allow-origin']).toBeUndefined();
    abort.abort();
    await done;
  });

  it('prints the listening URL first, serves, and stops on abort', async () => {
    const lines: string[] = [];
    const abort = new AbortController();
    let listening!: () => void;
    const ready = new Promise<void>(r => { listening = r; });
    const done = runEmulatorCli(['--port', '0'], { log: line => { lines.push(line); listening(); }, signal: abort.signal });
    await ready;
    const url = /^rxforce emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0])![1];
    expect(url).not.toMatch(/:0$/);
    expect((await raw(`${url}/services/data/`)).status).toBe(200);
    abort.abort();
    await done;
    await expectAsync(raw(`${url}/services/data/`)).toBeRejected();
    // the banner gives what a client needs to log in: the emulator's default credentials
    expect(lines[1]).toBe('  username admin@rxforce.local · password rxforce · security token rxforce-token');
    expect(lines[2]).toBe('  consumer key rxforce-local-key · consumer secret rxforce-local-secret');
  });
});
