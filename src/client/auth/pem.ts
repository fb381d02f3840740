/**
 * The JWT bearer flow's RS256 signing on Web Crypto (`crypto.subtle`, in browsers and in Node alike), so the flow
 * stays browser-safe (no node:crypto) and carries no JOSE library. `openssl genrsa` (OpenSSL 1.x, the command in
 * Salesforce's JWT setup guide) writes PKCS#1 (`BEGIN RSA PRIVATE KEY`), which Web Crypto cannot import; it is
 * wrapped into PKCS#8 here.
 */
import type { KeyObject } from 'jose';
import { base64url } from './oauth.js';

/** A private key as the caller holds it: PEM text, a Node KeyObject or a Web Crypto CryptoKey. */
export type PrivateKeyInput = string | KeyObject | CryptoKey;

/** RS256: RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3). */
const RS256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

/** A compact JWS of `claims` (RFC 7515), header `{"alg":"RS256"}`, signed with `key`. Errors never quote the key. */
export async function signRs256(claims: Record<string, string | number>, key: PrivateKeyInput): Promise<string> {
  const cryptoKey = await signingKey(key);
  const encoder = new TextEncoder();
  const input = `${base64url(encoder.encode(JSON.stringify({ alg: 'RS256' })))}.${base64url(encoder.encode(JSON.stringify(claims)))}`;
  const signature = await subtle().sign(RS256.name, cryptoKey, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

/**
 * Imports PEM text (PKCS#8 or PKCS#1) or a Node KeyObject as an RS256 signing key; a CryptoKey passes through once
 * it is checked to be one. RSA keys shorter than 2048 bits are refused (RFC 7518 §3.3).
 */
export async function signingKey(key: PrivateKeyInput): Promise<CryptoKey> {
  if (typeof key === 'string') {
    const pkcs1 = /-----BEGIN RSA PRIVATE KEY-----([\s\S]*?)-----END RSA PRIVATE KEY-----/.exec(key);
    const pkcs8 = /^-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----$/.exec(key.trim());
    if (!pkcs1 && !pkcs8) throw new TypeError('The key must be PEM text: PKCS#8 (BEGIN PRIVATE KEY) or PKCS#1 (BEGIN RSA PRIVATE KEY)');
    const der = pkcs1 ? wrapPkcs1(fromBase64(pkcs1[1]!)) : fromBase64(pkcs8![1]!);
    return usable(await subtle().importKey('pkcs8', der, RS256, false, ['sign']));
  }
  if (isCryptoKey(key)) return usable(key);
  if (isKeyObject(key)) {
    if (key.type !== 'private') throw new TypeError(`A KeyObject for RS256 must be of type "private", not "${String(key.type)}"`);
    const jwk = key.export({ format: 'jwk' }) as JsonWebKey;
    if (jwk.kty !== 'RSA') throw new TypeError('A KeyObject for RS256 must be an RSA key');
    return usable(await subtle().importKey('jwk', jwk, RS256, false, ['sign']));
  }
  throw new TypeError('The key must be PEM text, a KeyObject or a CryptoKey');
}

/** The checks a signer makes before using a key: a private RSASSA-PKCS1-v1_5 SHA-256 key that may sign, ≥ 2048 bits. */
function usable(key: CryptoKey): CryptoKey {
  const algorithm = key.algorithm as RsaHashedKeyAlgorithm;
  if (key.type !== 'private') throw new TypeError(`A CryptoKey for RS256 must be of type "private", not "${key.type}"`);
  if (algorithm.name !== RS256.name || algorithm.hash?.name !== RS256.hash) {
    throw new TypeError(`A CryptoKey for RS256 must be ${RS256.name} with ${RS256.hash}`);
  }
  if (!key.usages.includes('sign')) throw new TypeError('A CryptoKey for RS256 must have the "sign" usage');
  if (!(algorithm.modulusLength >= 2048)) throw new TypeError('RS256 needs an RSA key of 2048 bits or more');
  return key;
}

function subtle(): SubtleCrypto {
  const s = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  // browsers offer Web Crypto only to secure (https or localhost) pages
  if (!s) throw new TypeError('Web Crypto (crypto.subtle) is not available here; a browser offers it only on https pages');
  return s;
}

function isCryptoKey(key: unknown): key is CryptoKey {
  return (key as { [Symbol.toStringTag]?: unknown })?.[Symbol.toStringTag] === 'CryptoKey'
    || (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey);
}

function isKeyObject(key: unknown): key is KeyObject & { type: string; export(o: { format: 'jwk' }): unknown } {
  return (key as { [Symbol.toStringTag]?: unknown })?.[Symbol.toStringTag] === 'KeyObject';
}

// SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }
const RSA_ALGORITHM = Uint8Array.from([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]);

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm, privateKey OCTET STRING (the PKCS#1 key) }. */
function wrapPkcs1(pkcs1: Uint8Array): Uint8Array<ArrayBuffer> {
  const version = Uint8Array.from([0x02, 0x01, 0x00]);
  return der(0x30, concat(version, RSA_ALGORITHM, der(0x04, pkcs1)));
}

function der(tag: number, content: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = content.length;
  let length: number[];
  if (n < 0x80) length = [n];
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = [0x80 | bytes.length, ...bytes];
  }
  return concat(Uint8Array.from([tag, ...length]), content);
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function fromBase64(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
