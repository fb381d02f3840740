import { invalidUtf8At } from '../../../src/emulator/http.js';
import { Api, longestProbeWhile } from './helpers.js';

/** The shortest prefix a streaming fatal decoder refuses ends at the offending byte. */
function reference(body: Uint8Array): number {
  for (let n = 1; n <= body.length; n++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, n), { stream: true });
    } catch {
      return n - 1;
    }
  }
  return body.length - 1;
}

describe('emulator invalid UTF-8 in a JSON body', () => {
  it('finds the byte a decoder fails on, for every kind of broken sequence', () => {
    let s = 11;
    const random = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const bytes = [0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xa0, 0xed, 0x9f, 0xa0, 0xef, 0xf0, 0x90, 0xf4, 0x8f, 0x90, 0xff];
    let checked = 0;
    for (let i = 0; i < 20_000; i++) {
      const body = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () => bytes[Math.floor(random() * bytes.length)] as number);
      let valid = true;
      try { new TextDecoder('utf-8', { fatal: true }).decode(body); } catch { valid = false; }
      if (valid) continue;
      checked++;
      expect(invalidUtf8At(body)).withContext(Buffer.from(body).toString('hex')).toBe(reference(body));
    }
    expect(checked).toBeGreaterThan(1000);
  });

  describe('over HTTP', () => {
    let api: Api;
    beforeAll(async () => { api = await Api.start(); });
    afterAll(async () => { await api.emu.stop(); });

    it('refuses a 20 MB body with one bad byte near its end without stalling other requests', async () => {
      const body = Buffer.from(JSON.stringify({ Name: 'x', Description: 'a'.repeat(20 * 1024 * 1024) }));
      body[body.length - 10] = 0xff;
      const { res, probeMs } = await longestProbeWhile(api, () => api.call('POST', '/sobjects/Account', body,
        { 'Content-Type': 'application/json' }));
      expect(res.status).toBe(400);
      expect(res.json()[0]).toEqual({ errorCode: 'JSON_PARSER_ERROR',
        message: `Invalid UTF-8 start byte 0xff at [line:1, column:${body.length - 9}]` });
      expect(probeMs).toBeLessThan(2000);
    });
  });
});
