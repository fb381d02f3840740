import { request as httpRequest } from 'node:http';
import { startEmulator, type Emulator } from '../../../src/emulator/index.js';
import { form, raw, type Res } from './helpers.js';

/** Each request writes as its own session's user, even when another user's request runs while it waits. */
describe('emulator request context: the acting user', () => {
  let emu: Emulator;
  const login = async (username: string, password: string) => {
    const c = emu.credentials;
    const res = await raw(`${emu.url}/services/oauth2/token`, { method: 'POST', ...form({ grant_type: 'password',
      client_id: c.consumerKey, client_secret: c.consumerSecret, username, password }) });
    expect(res.status).withContext(res.text).toBe(200);
    const body = res.json<{ access_token: string; id: string }>();
    return { token: body.access_token, userId: body.id.split('/').pop()! };
  };

  beforeAll(async () => {
    emu = await startEmulator({ port: 0, users: [
      { username: 'first@rxforce.local', password: 'first-password' },
      { username: 'second@rxforce.local', password: 'second-password' },
    ] });
  });
  afterAll(async () => emu.stop());

  it('stamps each of two interleaved requests by different users with its own user', async () => {
    const first = await login('first@rxforce.local', 'first-password');
    const second = await login('second@rxforce.local', 'second-password');
    expect(first.userId).not.toBe(second.userId);
    const url = `${emu.url}/services/data/v62.0/sobjects/Account`;

    // the first user's request sends its headers and half its body, then waits
    const body = JSON.stringify({ Name: 'Written by the first user' });
    let slowDone!: Promise<Res>;
    const slow = await new Promise<ReturnType<typeof httpRequest>>(resolve => {
      slowDone = new Promise((done, fail) => {
        const req = httpRequest(url, { method: 'POST', agent: false, headers: {
          Authorization: `Bearer ${first.token}`, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)),
        } }, res => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const b = Buffer.concat(chunks);
            done({ status: res.statusCode ?? 0, headers: res.headers, body: b, text: b.toString('utf8'), json: () => JSON.parse(b.toString('utf8')) });
          });
        });
        req.on('error', fail);
        req.write(body.slice(0, 10));
        req.flushHeaders();
        resolve(req);
      });
    });
    await new Promise(resolve => setTimeout(resolve, 50));

    // meanwhile the second user's request runs to the end
    const fast = await raw(url, { method: 'POST', headers: { Authorization: `Bearer ${second.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ Name: 'Written by the second user' }) });
    expect(fast.status).withContext(fast.text).toBe(201);

    slow.end(body.slice(10));
    const res = await slowDone;
    expect(res.status).withContext(res.text).toBe(201);

    const firstRecord = emu.store.get(res.json<{ id: string }>().id)!;
    const secondRecord = emu.store.get(fast.json<{ id: string }>().id)!;
    expect([firstRecord.CreatedById, firstRecord.LastModifiedById, firstRecord.OwnerId]).toEqual([first.userId, first.userId, first.userId]);
    expect([secondRecord.CreatedById, secondRecord.LastModifiedById, secondRecord.OwnerId]).toEqual([second.userId, second.userId, second.userId]);
  });

  it('leaves no user set on the org’s store after a request', async () => {
    const second = await login('second@rxforce.local', 'second-password');
    const res = await raw(`${emu.url}/services/data/v62.0/sobjects/Account`, { method: 'POST',
      headers: { Authorization: `Bearer ${second.token}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ Name: 'Request' }) });
    expect(res.status).toBe(201);
    const seeded = emu.store.insert('Account', { Name: 'Outside any request' });
    expect(seeded.success).toBeTrue();
    const first = emu.store.get(seeded.id!)!;
    expect(first.CreatedById).not.toBe(second.userId);
  });
});
