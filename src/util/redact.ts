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
  [/(Bearer|OAuth|Basic)\s+[^\s"',]+/gi, '$1 [REDACTED]'],
  // a Salesforce session id: org id, '!', then the opaque part
  [/\b00D[a-zA-Z0-9]{12,15}![\w.-]+/g, '[REDACTED]'],
  // a compact JWS
  [/\beyJ[\w-]+\.[\w-]+\.[\w-]+/g, '[REDACTED]'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '[REDACTED]'],
];

/** How many literal forms are kept (each secret brings several). */
const MAX_KNOWN = 1000;

/** Extra literal secrets to scrub (the current session's token, a configured password) — registered by the client. */
const known = new Set<string>();

/**
 * Registers a literal secret so every later `redact()` removes it wherever it appears, together with the forms it
 * travels in: URL- and form-encoded, JSON- and XML-escaped, and base64 (an endpoint that echoes what it got shows
 * those, not the literal text).
 */
export function rememberSecret(secret: string | undefined): void {
  // Shorter strings are too likely to be ordinary words (the emulator's default password is the product's name);
  // Salesforce passwords are at least 8 characters, and secret-named fields are scrubbed by key whatever their length.
  if (!secret || secret.length < 8) return;
  for (const form of derivedForms(secret)) keep(form);
}

/**
 * Registers credentials a login sends together as HTTP Basic (`base64(key:secret)`, each part URL-encoded or not),
 * so the encoded pair is scrubbed as well as the secret itself.
 */
export function rememberCredentialPair(user: string, secret: string | undefined): void {
  if (!secret) return;
  rememberSecret(secret);
  for (const pair of new Set([`${user}:${secret}`, `${encodeURIComponent(user)}:${encodeURIComponent(secret)}`])) {
    for (const form of base64Forms(pair)) keep(form);
  }
}

function keep(form: string): void {
  if (form.length < 8) return;
  shownUrls.clear(); // a url shown before this secret was known may carry it
  known.delete(form);
  known.add(form);
  // bounded: a long-running process refreshes its token many times
  if (known.size > MAX_KNOWN) known.delete(known.values().next().value as string);
}

/** Every spelling of `secret` worth scrubbing. */
function derivedForms(secret: string): Set<string> {
  const forms = new Set<string>([secret, encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1),
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')]);
  for (const form of base64Forms(secret)) forms.add(form);
  return forms;
}

/** base64 and base64url of the UTF-8 bytes, without padding (padding varies with what follows in a longer value). */
function base64Forms(text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  // the last group depends on what follows the secret when it is part of a longer encoded value: keep whole groups
  const b64 = btoa(bin).replace(/=+$/, '');
  const whole = b64.slice(0, b64.length - (b64.length % 4 === 0 ? 0 : b64.length % 4));
  const forms = [b64, whole].filter(f => f.length >= 8);
  return [...forms, ...forms.map(f => f.replace(/\+/g, '-').replace(/\//g, '_'))];
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

/**
 * The latest urls `relativeUrl` showed without an instance: a request's url is shown by the transport and again by
 * the client, and each costs a URL parse and every pattern. Cleared whenever a secret is registered.
 */
const shownUrls = new Map<string, string>();
const MAX_SHOWN = 64;

/** An instance-relative url (path + query) with secrets removed; keeps the origin only of a foreign host when the instance is known. */
export function relativeUrl(url: string, instanceUrl?: string): string {
  if (instanceUrl !== undefined) return relativeUrlUncached(url, instanceUrl);
  const hit = shownUrls.get(url);
  if (hit !== undefined) return hit;
  const shown = relativeUrlUncached(url);
  if (shownUrls.size >= MAX_SHOWN) shownUrls.delete(shownUrls.keys().next().value as string);
  shownUrls.set(url, shown);
  return shown;
}

function relativeUrlUncached(url: string, instanceUrl?: string): string {
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
