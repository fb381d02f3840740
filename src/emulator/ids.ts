/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 with a case-safe checksum. The emulator keeps its own
 * implementation (independent of src/util) so a bug on the client side cannot hide one here.
 */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_RE = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

/** The 3-character suffix that makes a 15-character id case-insensitively unique. */
export function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    out += CHECKSUM[bits];
  }
  return out;
}

/** Canonical 18-character form, or undefined when `id` is not a well-formed id (bad length or checksum). */
export function normalizeId(id: unknown): string | undefined {
  if (typeof id !== 'string' || !ID_RE.test(id)) return undefined;
  const id15 = id.slice(0, 15);
  const sum = checksum(id15);
  if (id.length === 18 && id.slice(15).toUpperCase() !== sum) return undefined;
  return id15 + sum;
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/** Builds an 18-character id: key prefix, a 3-character pod part, then a 9-digit base-62 serial. */
export function makeId(keyPrefix: string, serial: number, pod = '5g0'): string {
  let s = '';
  let n = serial;
  for (let i = 0; i < 9; i++) {
    s = BASE62[n % 62] + s;
    n = Math.floor(n / 62);
  }
  const id15 = keyPrefix + pod + s;
  return id15 + checksum(id15);
}

/** The serial encoded by makeId, so a replayed store continues numbering after its highest id. */
export function serialOf(id: string): number {
  let n = 0;
  for (let i = 6; i < 15; i++) n = n * 62 + BASE62.indexOf(id[i]);
  return n;
}

/** Random base-62 text (session tokens, codes). `random` is a [0,1) source, seeded in deterministic runs. */
export function randomBase62(length: number, random: () => number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += BASE62[Math.floor(random() * 62)];
  return s;
}
