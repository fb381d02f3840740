/**
 * The default org's identity and credentials.
 *
 * Security tokens: the password grant and SOAP login accept the password alone *and* the password followed by the
 * user's security token (default `rxforce-token`), as an org whose login IP ranges trust the caller does; any other
 * suffix fails with the usual authentication failure.
 */
import { makeId } from './ids.js';

export interface EmulatorUser {
  username: string;
  password: string;
  securityToken?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
}

export interface OrgUser extends Required<EmulatorUser> {
  userId: string;
}

export interface OrgConfig {
  orgId: string;
  orgName: string;
  consumerKey: string;
  consumerSecret: string;
  /** The connected app's callback URLs; undefined: any loopback URL. */
  callbackUrls?: readonly string[];
  users: OrgUser[];
}

export const DEFAULT_USER: EmulatorUser = { username: 'admin@rxforce.local', password: 'rxforce',
  securityToken: 'rxforce-token', firstName: 'Admin', lastName: 'User', email: 'admin@rxforce.local' };
export const DEFAULT_CONSUMER_KEY = 'rxforce-local-key';
export const DEFAULT_CONSUMER_SECRET = 'rxforce-local-secret';
/** Seeded rows use their own id "pod", apart from the ones the store numbers. */
const SEED_POD = '1u0';
export const PROFILE_ID = makeId('00e', 1, SEED_POD);

export function makeOrg(opts: { users?: EmulatorUser[]; consumerKey?: string; consumerSecret?: string; callbackUrls?: string[] } = {}): OrgConfig {
  const users = (opts.users?.length ? opts.users : [DEFAULT_USER]).map((u, i): OrgUser => ({
    username: u.username, password: u.password, securityToken: u.securityToken ?? 'rxforce-token',
    firstName: u.firstName ?? 'Emulator', lastName: u.lastName ?? `User${i + 1}`, email: u.email ?? u.username,
    userId: makeId('005', i + 1, SEED_POD),
  }));
  return { orgId: makeId('00D', 1, SEED_POD), orgName: 'rxforce Emulator', users,
    consumerKey: opts.consumerKey ?? DEFAULT_CONSUMER_KEY, consumerSecret: opts.consumerSecret ?? DEFAULT_CONSUMER_SECRET,
    ...(opts.callbackUrls ? { callbackUrls: [...opts.callbackUrls] } : {}) };
}

/** Whether `redirectUri` is one of the connected app's callback URLs (by default: a loopback URL). */
export function isCallbackUrl(org: OrgConfig, redirectUri: string): boolean {
  if (org.callbackUrls) return org.callbackUrls.includes(redirectUri);
  try {
    const u = new URL(redirectUri);
    return u.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** The user whose credentials match (password alone, or password + security token), if any. */
export function checkPassword(org: OrgConfig, username: string, password: string): OrgUser | undefined {
  const u = org.users.find(x => x.username.toLowerCase() === username.toLowerCase());
  if (!u) return undefined;
  return password === u.password || password === u.password + u.securityToken ? u : undefined;
}

export function findUser(org: OrgConfig, username: string): OrgUser | undefined {
  return org.users.find(x => x.username.toLowerCase() === username.toLowerCase());
}
