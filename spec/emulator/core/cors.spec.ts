import { startEmulator } from '../../../src/emulator/index.js';
import { raw } from './helpers.js';

describe('emulator CORS', () => {
  it('answers preflights from loopback origins and exposes the Sforce headers', async () => {
    const emu = await startEmulator({ port: 0 });
    try {
      const res = await raw(`${emu.url}/services/data/v62.0/sobjects/Account`, { method: 'OPTIONS', headers: {
        Origin: 'http://localhost:4200', 'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type' } });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:4200');
      expect(String(res.headers['access-control-allow-headers'])).toContain('Authorization');
      expect(String(res.headers['access-control-allow-headers'])).toContain('Sforce-Query-Options');
      expect(String(res.headers['access-control-allow-methods'])).toContain('PATCH');
      const versions = await raw(`${emu.url}/services/data/`, { headers: { Origin: 'http://127.0.0.1:8080' } });
      expect(versions.headers['access-control-allow-origin']).toBe('http://127.0.0.1:8080');
      expect(String(versions.headers['access-control-expose-headers'])).toContain('Sforce-Limit-Info');
      const foreign = await raw(`${emu.url}/services/data/`, { headers: { Origin: 'https://evil.example' } });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });

  it('uses the configured origins instead when given', async () => {
    const emu = await startEmulator({ port: 0, corsOrigins: ['https://app.example'] });
    try {
      const ok = await raw(`${emu.url}/services/data/`, { headers: { Origin: 'https://app.example' } });
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      const local = await raw(`${emu.url}/services/data/`, { headers: { Origin: 'http://localhost:3000' } });
      expect(local.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await emu.stop();
    }
  });
});
