/** Instance and login URLs: https, except loopback hosts (the local emulator, a test server). */

/** Whether the host is loopback: 127.0.0.0/8, localhost, ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * The URL without a trailing slash, after checking that a token may be sent to it.
 * @throws TypeError when the URL is malformed or plain http on a non-loopback host
 */
export function assertSecureUrl(url: string, what = 'instance URL'): string {
  let u: URL;
  try { u = new URL(url); } catch { throw new TypeError(`The ${what} is not a valid URL: ${JSON.stringify(String(url).slice(0, 200))}`); }
  if (u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname))) {
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
  }
  throw new TypeError(`The ${what} ${u.origin} must use https (plain http is only allowed for loopback hosts such as 127.0.0.1 or localhost), since tokens are sent to it`);
}
