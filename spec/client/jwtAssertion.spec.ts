/**
 * The JWT bearer assertion is signed on Web Crypto. RS256 (RSASSA-PKCS1-v1_5) signatures are deterministic, so an
 * assertion must be byte for byte the one a JOSE library signs from the same claims and key, whatever form the key
 * comes in; keys a signer must refuse are refused before anything is sent.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { AuthenticationError } from '../../src/client/errors.js';
import { jwtBearerLogin } from '../../src/client/auth/index.js';
import type { PrivateKeyInput } from '../../src/client/auth/index.js';
import type { LoginContext } from '../../src/client/types.js';

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const CLAIMS = { iss: '3MVG9key', sub: 'ann@acme.com', aud: 'https://login.salesforce.com', exp: NOW / 1000 + 180 };

/** The assertion `jwtBearerLogin` sends, or the error it fails with, and how many requests it made. */
async function assertionFrom(privateKey: PrivateKeyInput): Promise<{ assertion?: string; error?: unknown; posts: number }> {
  let posts = 0;
  let assertion: string | undefined;
  const ctx: LoginContext = {
    post: async (_url, body) => {
      posts++;
      assertion = new URLSearchParams(body).get('assertion') ?? undefined;
      return { status: 200, headers: {}, data: { access_token: '00Dx!token', instance_url: 'https://acme.my.salesforce.com' } };
    },
  };
  const flow = jwtBearerLogin({ username: CLAIMS.sub, consumerKey: CLAIMS.iss, privateKey, now: () => NOW });
  try {
    await flow.login(ctx);
    return { assertion, posts };
  } catch (error) {
    return { error, posts };
  }
}

/** What a JOSE library signs from the same claims (claims set in the same order: iss, sub, aud, exp). */
function joseAssertion(key: KeyObject): Promise<string> {
  return new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setIssuer(CLAIMS.iss).setSubject(CLAIMS.sub)
    .setAudience(CLAIMS.aud).setExpirationTime(CLAIMS.exp).sign(key);
}

describe('JWT bearer assertion signing', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'pem' }) as string;

  it('signs the same assertion as jose from PKCS#8 PEM, PKCS#1 PEM, a KeyObject and a CryptoKey', async () => {
    const expected = await joseAssertion(privateKey);
    const cryptoKey = await crypto.subtle.importKey('jwk', privateKey.export({ format: 'jwk' }),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    for (const [form, key] of [['PKCS#8', pkcs8], ['PKCS#1', pkcs1], ['PKCS#1 with CRLF and indentation',
      `\r\n  ${pkcs1.replace(/\n/g, '\r\n')}`], ['KeyObject', privateKey], ['CryptoKey', cryptoKey]] as const) {
      const { assertion, error } = await assertionFrom(key);
      expect(error).withContext(form).toBeUndefined();
      expect(assertion).withContext(form).toBe(expected);
    }
  });

  it('puts exactly the header and the claims Salesforce reads into the assertion', async () => {
    const { assertion } = await assertionFrom(pkcs8);
    const [header, payload] = assertion!.split('.').slice(0, 2).map(part => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown);
    expect(header).toEqual({ alg: 'RS256' });
    expect(payload).toEqual(CLAIMS);
  });

  it('refuses keys RS256 cannot use, before any request, without quoting them', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const pss = await crypto.subtle.generateKey({ name: 'RSA-PSS', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
      false, ['sign', 'verify']);
    const cases: [string, PrivateKeyInput][] = [
      ['a 1024-bit key', small.export({ type: 'pkcs8', format: 'pem' }) as string],
      ['a 1024-bit KeyObject', small],
      ['an EC KeyObject', ec],
      ['an EC key as PEM', ec.export({ type: 'pkcs8', format: 'pem' }) as string],
      ['a public KeyObject', createPublicKey(privateKey)],
      ['an RSA-PSS CryptoKey', pss.privateKey],
      ['text that is not PEM', 'secretmaterial-not-a-key'],
      ['a truncated PEM', pkcs8.slice(0, 200) + '\n-----END PRIVATE KEY-----'],
    ];
    for (const [what, key] of cases) {
      const { error, posts } = await assertionFrom(key);
      expect(error).withContext(what).toBeInstanceOf(AuthenticationError);
      expect((error as AuthenticationError).error).withContext(what).toBe('invalid_private_key');
      expect(posts).withContext(what).toBe(0);
      const text = `${String(error)} ${(error as Error).stack} ${JSON.stringify(error)}`;
      expect(text).withContext(what).not.toContain('secretmaterial');
      if (typeof key === 'string' && key.includes('PRIVATE KEY')) expect(text).withContext(what).not.toContain(key.split('\n')[1]!);
    }
  });
});
