/**
 * Private key reading for the JWT bearer flow. `openssl genrsa` (OpenSSL 1.x, the command in Salesforce's JWT
 * setup guide) writes PKCS#1 (`BEGIN RSA PRIVATE KEY`), which Web Crypto cannot import; it is wrapped into PKCS#8
 * here so the flow stays browser-safe (no node:crypto).
 */
import { importPKCS8 } from 'jose';
import type { KeyObject } from 'jose';

/** A private key as the caller holds it: PEM text, a Node KeyObject or a Web Crypto CryptoKey. */
export type PrivateKeyInput = string | KeyObject | CryptoKey;

/** Imports PEM text as an RS256 signing key; a KeyObject or CryptoKey passes through. Errors never quote the key. */
export async function signingKey(key: PrivateKeyInput): Promise<KeyObject | CryptoKey> {
  if (typeof key !== 'string') return key;
  const pkcs1 = /-----BEGIN RSA PRIVATE KEY-----([\s\S]*?)-----END RSA PRIVATE KEY-----/.exec(key);
  const pem = pkcs1 ? toPem(wrapPkcs1(fromBase64(pkcs1[1]!.replace(/\s+/g, '')))) : key.trim();
  return importPKCS8(pem, 'RS256');
}

// SEQUENCE { OID 1.2.840.113549.1.1.1 (rsaEncryption), NULL }
const RSA_ALGORITHM = Uint8Array.from([0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00]);

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm, privateKey OCTET STRING (the PKCS#1 key) }. */
function wrapPkcs1(pkcs1: Uint8Array): Uint8Array {
  const version = Uint8Array.from([0x02, 0x01, 0x00]);
  return der(0x30, concat(version, RSA_ALGORITHM, der(0x04, pkcs1)));
}

function der(tag: number, content: Uint8Array): Uint8Array {
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

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toPem(der: Uint8Array): string {
  let bin = '';
  for (const b of der) bin += String.fromCharCode(b);
  const lines = btoa(bin).match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----`;
}
