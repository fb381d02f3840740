import { inspect } from 'node:util';
import { SalesforceClient } from '../../src/client/client.js';
import { clientCredentialsLogin } from '../../src/client/auth/clientCredentials.js';
import { passwordLogin } from '../../src/client/auth/password.js';
import { AuthenticationError } from '../../src/client/errors.js';
import { redact, rememberSecret } from '../../src/util/redact.js';
import { createFakeTransport, ok, respond } from '../../src/testing/index.js';

/** Fresh per run, so nothing here matches by accident. */
const fresh = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2)}+/&=?é`;

describe('redaction of derived forms', () => {
  it('scrubs a secret URL-encoded, form-encoded, JSON- and XML-escaped, and in base64', () => {
    const secret = fresh('Pw');
    rememberSecret(secret);
    const b64 = Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, '');
    for (const form of [secret, encodeURIComponent(secret), new URLSearchParams({ p: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1), secret.replace(/&/g, '&amp;'), b64, b64.replace(/\+/g, '-').replace(/\//g, '_')]) {
      const out = redact(`got ${form} back`);
      expect(out).withContext(form).not.toContain(form);
      expect(out).toContain('[REDACTED]');
    }
  });

  it('a token endpoint echoing the Authorization header does not put base64(key:secret) in the error', async () => {
    const key = fresh('3MVG9');
    const secret = fresh('S3cret');
    const basic = Buffer.from(`${encodeURIComponent(key)}:${encodeURIComponent(secret)}`).toString('base64');
    const fake = createFakeTransport({ routes: [respond('*', /./, req => ({ status: 400,
      data: { error: 'invalid_client', error_description: `bad credentials ${req.headers.Authorization} (${basic.slice(0, -2)}…)` } }))] });
    const client = new SalesforceClient({ login: clientCredentialsLogin({ loginUrl: 'https://acme.my.salesforce.com', consumerKey: key, consumerSecret: secret }),
      apiVersion: '62.0', transport: fake.transport });
    const e = await client.request({ method: 'GET', path: 'limits' }).then(() => undefined, (err: unknown) => err) as AuthenticationError;
    expect(e).toBeInstanceOf(AuthenticationError);
    const shown = `${e.message} ${JSON.stringify(e)} ${inspect(e)}`;
    expect(shown).not.toContain(basic);
    expect(shown).not.toContain(basic.replace(/=+$/, ''));
    expect(shown).not.toContain(secret);
  });
});

describe('clients and sessions in logs', () => {
  it('util.inspect and JSON.stringify of a logged-in client show no token, password or secret', async () => {
    const token = `00D000000000001!${fresh('AQ')}`;
    const password = fresh('pw');
    const consumerSecret = fresh('cs');
    const fake = createFakeTransport({ routes: [
      respond('*', /./, ok({})),
      respond('POST', '/services/oauth2/token', ok({ access_token: token, instance_url: 'https://acme.my.salesforce.com', refresh_token: `5Aep${fresh('r')}` })),
    ] });
    const client = new SalesforceClient({ login: passwordLogin({ username: 'u@example.com', password, consumerKey: 'key', consumerSecret }),
      apiVersion: '62.0', transport: fake.transport });
    await client.request({ method: 'GET', path: 'limits' });
    const session = await client.session();
    const shown = [inspect(client, { depth: 10, showHidden: true }), JSON.stringify(client), String(client),
      inspect({ client }, { depth: 10 })].join('\n');
    for (const secret of [token, password, consumerSecret, session.refreshToken as string]) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).toContain('acme.my.salesforce.com');
    // a client made from a ready session hides it too
    const fromSession = new SalesforceClient({ login: { accessToken: token, instanceUrl: 'https://acme.my.salesforce.com' }, transport: fake.transport });
    expect(inspect(fromSession, { depth: 10 })).not.toContain(token);
    expect(JSON.stringify({ fromSession })).not.toContain(token);
  });
});
