/**
 * A session cache shared through Redis, so N workers of one org log in once instead of N times. Sessions are stored
 * encrypted (AES-256-GCM) with a key the user supplies: whoever reads Redis without the key sees no token.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Session, SessionCache } from '../client/types.js';
import { rememberSecret } from '../util/redact.js';

export interface RedisSessionCacheOptions {
  redis: Redis;
  /** Names the login whose session is shared (e.g. org id and user name); processes sharing it share the session. */
  name: string;
  /** 32 bytes, or a passphrase from which a key is derived (scrypt). Never logged. */
  encryptionKey: Uint8Array | string;
  /** How long a stored session is kept, in ms (default 2 h, Salesforce's default session timeout). */
  ttlMs?: number;
  /** Key prefix (default `rxforce`). */
  prefix?: string;
}

/**
 * `new SalesforceClient({ login, sessionCache: redisSessionCache({ redis, name: 'prod', encryptionKey }) })`.
 */
export function redisSessionCache(options: RedisSessionCacheOptions): SessionCache {
  const { redis, name } = options;
  if (typeof name !== 'string' || name === '') throw new TypeError('name must say whose session is shared');
  const key = `${options.prefix ?? 'rxforce'}:session:${name}`;
  const secret = deriveKey(options.encryptionKey, key);
  const ttlMs = options.ttlMs ?? 2 * 60 * 60 * 1000;
  const aad = Buffer.from(key, 'utf8');
  return {
    async get(): Promise<Session | undefined> {
      const stored = await redis.getBuffer(key);
      if (!stored || stored.length < 29) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', secret, stored.subarray(0, 12));
        decipher.setAAD(aad);
        decipher.setAuthTag(stored.subarray(12, 28));
        const text = Buffer.concat([decipher.update(stored.subarray(28)), decipher.final()]).toString('utf8');
        const session = JSON.parse(text) as Session;
        rememberSecret(session.accessToken);
        rememberSecret(session.refreshToken);
        return session;
      } catch {
        return undefined; // written with another key, or damaged: log in instead
      }
    },
    async set(session: Session): Promise<void> {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', secret, iv);
      cipher.setAAD(aad);
      const body = Buffer.concat([cipher.update(JSON.stringify(session), 'utf8'), cipher.final()]);
      await redis.set(key, Buffer.concat([iv, cipher.getAuthTag(), body]), 'PX', ttlMs);
    },
  };
}

function deriveKey(input: Uint8Array | string, salt: string): Buffer {
  if (typeof input === 'string') {
    if (input.length < 8) throw new RangeError('encryptionKey: a passphrase needs at least 8 characters');
    rememberSecret(input);
    return scryptSync(input, `rxforce-session-cache:${salt}`, 32);
  }
  if (!(input instanceof Uint8Array) || input.length !== 32) {
    throw new RangeError('encryptionKey: give 32 bytes, or a passphrase');
  }
  return Buffer.from(input);
}
