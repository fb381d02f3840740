/** Salesforce date, datetime and time wire formats: parse what clients send, answer as the API does. */
const DATETIME_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z?$/;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2013-05-20T20:49:32.000+0000`, the form every datetime takes in responses. */
export function formatDatetime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+0000`;
}

/** Epoch ms of a datetime literal (with offset, `Z`, or none = UTC; a bare date is midnight UTC), or undefined. */
export function parseDatetime(value: string): number | undefined {
  const m = DATETIME_RE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '0', zone] = m;
  if (+mo < 1 || +mo > 12 || +d < 1 || +d > 31 || +h > 23 || +mi > 59 || +s > 59) return undefined;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.floor(+`0.${frac}` * 1000));
  if (new Date(Date.UTC(+y, +mo - 1, +d)).getUTCDate() !== +d) return undefined;
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = (+digits.slice(0, 2) * 60 + +(digits.slice(2) || '0')) * 60000;
    ms -= sign * offset;
  }
  return ms;
}

export function normalizeDatetime(value: string): string | undefined {
  const ms = parseDatetime(value);
  return ms === undefined ? undefined : formatDatetime(ms);
}

/** `yyyy-MM-dd` (a datetime is accepted and truncated to its UTC date, as the API does with CSV input). */
export function normalizeDate(value: string): string | undefined {
  if (DATE_RE.test(value)) return parseDatetime(value) === undefined ? undefined : value;
  const ms = parseDatetime(value);
  return ms === undefined ? undefined : formatDatetime(ms).slice(0, 10);
}

/** `HH:mm:ss.SSSZ`. */
export function normalizeTime(value: string): string | undefined {
  const m = TIME_RE.exec(value);
  if (!m || +m[1] > 23 || +m[2] > 59 || +(m[3] ?? 0) > 59) return undefined;
  return `${m[1]}:${m[2]}:${m[3] ?? '00'}.${(m[4] ?? '0').padEnd(3, '0')}Z`;
}

/** RFC 7231 HTTP-date for Last-Modified headers. */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}
