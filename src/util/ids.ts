/**
 * Salesforce record ids: 15 case-sensitive characters, or 18 with a 3-character suffix that encodes the case of the
 * first 15 so the id survives case-insensitive systems (spreadsheets, some databases).
 */

const ID_CHARS = /^[a-zA-Z0-9]+$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character case-safe suffix for the first 15 characters of an id. */
export function idChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i; // an upper-case letter sets its bit
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

/** Whether `id` has the shape of a record id: 15 or 18 alphanumerics, and a matching checksum when 18. */
export function isValidId(id: unknown): id is string {
  if (typeof id !== 'string' || (id.length !== 15 && id.length !== 18) || !ID_CHARS.test(id)) return false;
  return id.length === 15 || idChecksum(id.slice(0, 15)) === id.slice(15).toUpperCase();
}

/**
 * The 18-character form of an id.
 * @example to18('001D000000IqhSL') // '001D000000IqhSLIAZ'
 * @throws when the id is not a valid 15 or 18 character id
 */
export function to18(id: string): string {
  assertId(id);
  const id15 = id.slice(0, 15);
  return id15 + idChecksum(id15);
}

/**
 * The 15-character, case-sensitive form of an id. An 18-character id whose case was lost (upper- or lower-cased
 * by another system) gets its case back from the checksum.
 * @example to15('001D000000IqhSLIAZ') // '001D000000IqhSL'
 */
export function to15(id: string): string {
  if (typeof id === 'string' && id.length === 18 && ID_CHARS.test(id) && !isValidId(id)) {
    const restored = restoreCase(id);
    if (restored) return restored;
  }
  assertId(id);
  return id.slice(0, 15);
}

/**
 * The canonical form used to compare and store ids: 18 characters with the case the checksum says.
 * @example normalizeId('001d000000iqhsliaz') // '001D000000IqhSLIAZ'
 */
export function normalizeId(id: string): string {
  return to18(to15(id));
}

/** Whether two ids (15 or 18 characters, in any mix) name the same record. */
export function sameId(a: string, b: string): boolean {
  return isValidId(a) && isValidId(b) && to15(a) === to15(b);
}

/** The object key prefix: the first 3 characters (001 Account, 003 Contact …). */
export function keyPrefixOf(id: string): string {
  if (typeof id !== 'string' || id.length < 3 || !ID_CHARS.test(id.slice(0, 3))) {
    throw new TypeError(`Not a Salesforce id: ${describe(id)}`);
  }
  return id.slice(0, 3);
}

/** Standard objects whose key prefix is fixed across orgs (custom objects' prefixes vary per org). */
export const STANDARD_KEY_PREFIXES: Readonly<Record<string, string>> = Object.freeze({
  '001': 'Account', '003': 'Contact', '006': 'Opportunity', '00Q': 'Lead', '500': 'Case', '005': 'User',
  '00D': 'Organization', '068': 'ContentVersion', '069': 'ContentDocument', '00P': 'Attachment', '015': 'Document',
  '750': 'AsyncApexJob', '00T': 'Task', '00U': 'Event', '701': 'Campaign', '00G': 'Group', '00e': 'Profile',
  '01s': 'Pricebook2', '01t': 'Product2', '800': 'Contract', '801': 'Order', '02i': 'Asset',
});

function restoreCase(id: string): string | undefined {
  const head = id.slice(0, 15);
  // only an id whose case was lost wholesale is restored; a mixed-case id with a wrong suffix is a typo, not a match
  if (head !== head.toUpperCase() && head !== head.toLowerCase()) return undefined;
  const suffix = id.slice(15).toUpperCase();
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    const bits = SUFFIX_ALPHABET.indexOf(suffix[chunk]!);
    if (bits < 0) return undefined;
    for (let i = 0; i < 5; i++) {
      const ch = id[chunk * 5 + i]!;
      const upper = (bits & (1 << i)) !== 0;
      if (upper && !/[a-zA-Z]/.test(ch)) return undefined; // the checksum says letter, the id has a digit
      out += upper ? ch.toUpperCase() : ch.toLowerCase();
    }
  }
  return out;
}

function assertId(id: string): void {
  if (!isValidId(id)) throw new TypeError(`Not a valid Salesforce id: ${describe(id)}`);
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v) : typeof v;
}
