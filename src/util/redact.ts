/**
 * Secret scrubbing for anything that may end up in an error, a log line or `toString()`: access tokens, session ids,
 * refresh tokens, client secrets, passwords and JWT assertions.
 */

const SECRET_KEYS = /^(access_?token|refresh_?token|session_?id|sid|client_?secret|password|assertion|code_?verifier|authorization|private_?key|signature)$/i;

const PATTERNS: Array<[RegExp, string]> = [
  // key=value in query strings and form bodies
  [/((?:access_token|refresh_token|client_secret|password|assertion|code_verifier|sessionId|sid|token)=)[^&\s"']*/gi, '$1[REDACTED]'],
  // "key":"value" in JSON text
  [/("(?:access_token|refresh_token|client_secret|password|assertion|sessionId|accessToken|refreshToken|code_verifier)"\s*:\s*")[^"]*(")/gi, '$1[REDACTED]$2'],
  // <sessionId>…</sessionId> and <password>…</password> in SOAP envelopes, any prefix
  [/(<(?:[\w-]+:)?(sessionId|password)\b[^>]*>)[^<]*(<\/)/gi, '$1[REDACTED]$3'],
  [/(Bearer|OAuth)\s+[^\s"',]+/gi, '$1 [REDACTED]'],
  // a Salesforce session id: org id, '!', then the opaque part
  [/\b00D[a-zA-Z0-9]{12,15}![\w.-]+/g, '[REDACTED]'],
  // a compact JWS
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]+/g, '[REDACTED]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED]'],
];

/** Extra literal secrets to scrub (the current session's token, a configured password) — registered by the client. */
const known = new Set<string>();

/** Registers a literal secret so every later `redact()` removes it, wherever it appears. */
export function rememberSecret(secret: string | undefined): void {
  // Shorter strings are too likely to be ordinary words (the emulator's default password is the product's name);
  // Salesforce passwords are at least 8 characters, and secret-named fields are scrubbed by key whatever their length.
  if (!secret || secret.length < 8) return;
  known.delete(secret);
  known.add(secret);
  // bounded: a long-running process refreshes its token many times
  if (known.size > 200) known.delete(known.values().next().value as string);
}

/** Removes secrets from a string. */
export function redact(text: string): string {
  let out = text;
  for (const [re, to] of PATTERNS) out = out.replace(re, to);
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('[REDACTED]');
  return out;
}

/** Deep copy of a JSON-like value with secret-named keys blanked and every string scrubbed. */
export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map(v => redactValue(v, depth + 1));
  if (!isPlainObject(value)) return undefined; // streams, buffers, sockets: never kept
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? '[REDACTED]' : redactValue(v, depth + 1);
  return out;
}

/** An instance-relative url (path + query) with secrets removed; keeps the origin only of a foreign host when the instance is known. */
export function relativeUrl(url: string, instanceUrl?: string): string {
  try {
    const u = new URL(url, 'http://relative.invalid');
    const sameOrigin = !instanceUrl || u.origin === 'http://relative.invalid' || u.origin === new URL(instanceUrl).origin;
    return redact(sameOrigin ? u.pathname + u.search : u.origin + u.pathname + u.search);
  } catch {
    return redact(url);
  }
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
