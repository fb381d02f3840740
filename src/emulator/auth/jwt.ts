/** JWT bearer assertions: RS256 signature against the configured key, then iss, sub, aud and exp as Salesforce checks. */
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt, importSPKI, importX509, jwtVerify } from 'jose';
import type { Core } from '../core.js';
import { findUser, type OrgUser } from '../org.js';

const AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];
/** Salesforce tolerates a few minutes of clock skew on exp. */
const CLOCK_SKEW_S = 180;

type Verified = { user: OrgUser } | { error: string; description: string };

async function keyOf(key: KeyObject | CryptoKey | string): Promise<KeyObject | CryptoKey> {
  if (typeof key !== 'string') return key;
  return key.includes('BEGIN CERTIFICATE') ? importX509(key, 'RS256') : importSPKI(key, 'RS256');
}

export async function verifyJwtAssertion(core: Core, req: IncomingMessage, assertion: string): Promise<Verified> {
  const invalid = { error: 'invalid_grant', description: 'invalid assertion' };
  if (!core.jwtKey || !assertion) return invalid;
  let claims;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return invalid;
  }
  if (claims.iss !== core.org.consumerKey) return { error: 'invalid_client_id', description: 'client identifier invalid' };
  const base = core.baseUrl(req);
  const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!auds.some((a: unknown) => typeof a === 'string' && [...AUDIENCES, base].includes(a.replace(/\/$/, '')))) {
    return { error: 'invalid_grant', description: 'audience is invalid' };
  }
  try {
    await jwtVerify(assertion, await keyOf(core.jwtKey), { algorithms: ['RS256'], clockTolerance: CLOCK_SKEW_S,
      currentDate: new Date(core.now()) });
  } catch {
    // bad signature, or exp in the past (Salesforce answers both as an invalid assertion; unconfirmed for exp)
    return invalid;
  }
  if (typeof claims.exp !== 'number') return invalid;
  const user = typeof claims.sub === 'string' ? findUser(core.org, claims.sub) : undefined;
  if (!user) return { error: 'invalid_grant', description: "user hasn't approved this consumer" };
  return { user };
}
