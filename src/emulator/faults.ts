/**
 * Fault injection: latency, random 5xx/420 answers, dropped connections, row locks, short sessions and API limits,
 * settable at start and at runtime, counted in stats, and repeatable with a seed.
 */
export interface FaultConfig {
  /** Added to every request, in ms. */
  latencyMs: number;
  /** Random extra latency, uniform in [0, jitterMs). */
  jitterMs: number;
  /** Share of requests answered with a random 500/502/503/420 (text/html body). */
  failRate: number;
  /** Share of requests whose connection is destroyed: half before processing, half after processing but unanswered. */
  resetRate: number;
  /** Share of records in DML results failing with UNABLE_TO_LOCK_ROW. */
  lockRate: number;
  /** A session dies after this many API requests (0 = never). */
  sessionTtlRequests: number;
  /** A session dies after this many seconds without a request (idle timeout, as Salesforce's; 0 = never). */
  sessionTtlSeconds: number;
  /** DailyApiRequests maximum. */
  dailyApiLimit: number;
  /**
   * API requests in flight at once before 403 REQUEST_LIMIT_EXCEEDED (0 = unlimited). Salesforce counts only requests
   * running 20 s or longer against its limit (25 on production orgs); the emulator counts every request in flight, so
   * a client it never refuses stays within Salesforce's limit however long its requests take.
   */
  maxConcurrent: number;
}

export const FAULT_DEFAULTS: FaultConfig = {
  latencyMs: 0, jitterMs: 0, failRate: 0, resetRate: 0, lockRate: 0, sessionTtlRequests: 0, sessionTtlSeconds: 0,
  dailyApiLimit: 100_000, maxConcurrent: 0,
};

export type FaultKind = 'fail' | 'resetBefore' | 'resetAfter' | 'lock' | 'dailyLimit' | 'concurrency' | 'sessionExpired';

export interface EmulatorStats {
  requests: number;
  apiRequests: number;
  /** API requests being processed now (latency included). */
  inFlight: number;
  /** The most API requests ever in flight at once, refused ones not counted. */
  peakInFlight: number;
  logins: number;
  faults: Record<FaultKind, number>;
}

const FAIL_PAGES: [number, string][] = [
  [500, 'Internal Server Error'], [502, 'Bad Gateway'], [503, 'Service Unavailable'], [420, 'Edge Routing Unavailable'],
];

export class Faults {
  private config: FaultConfig;
  readonly stats: EmulatorStats = { requests: 0, apiRequests: 0, inFlight: 0, peakInFlight: 0, logins: 0,
    faults: { fail: 0, resetBefore: 0, resetAfter: 0, lock: 0, dailyLimit: 0, concurrency: 0, sessionExpired: 0 } };

  constructor(initial: Partial<FaultConfig>, private readonly random: () => number) {
    this.config = { ...FAULT_DEFAULTS, ...clean(initial) };
  }

  /** Changes faults at runtime; unspecified keys keep their value. */
  set(patch: Partial<FaultConfig>): void {
    this.config = { ...this.config, ...clean(patch) };
  }

  get(): Readonly<FaultConfig> {
    return this.config;
  }

  delayMs(): number {
    const { latencyMs, jitterMs } = this.config;
    return latencyMs + (jitterMs > 0 ? Math.floor(this.random() * jitterMs) : 0);
  }

  /** Decides whether this request's connection is dropped, and when. */
  rollReset(): 'before' | 'after' | undefined {
    if (this.config.resetRate <= 0 || this.random() >= this.config.resetRate) return undefined;
    const when = this.random() < 0.5 ? 'before' : 'after';
    this.stats.faults[when === 'before' ? 'resetBefore' : 'resetAfter']++;
    return when;
  }

  /** A transient failure page to answer instead of processing, or undefined. */
  rollFailure(): { status: number; html: string } | undefined {
    if (this.config.failRate <= 0 || this.random() >= this.config.failRate) return undefined;
    this.stats.faults.fail++;
    const [status, title] = FAIL_PAGES[Math.floor(this.random() * FAIL_PAGES.length)];
    return { status, html: `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1>` +
      '<p>The server is temporarily unable to service your request. Please try again later.</p></body></html>' };
  }

  /** True when this record's DML should fail with UNABLE_TO_LOCK_ROW. */
  rollLock(): boolean {
    if (this.config.lockRate <= 0 || this.random() >= this.config.lockRate) return false;
    this.stats.faults.lock++;
    return true;
  }
}

function clean(patch: Partial<FaultConfig>): Partial<FaultConfig> {
  const out: Partial<FaultConfig> = {};
  for (const [k, v] of Object.entries(patch) as [keyof FaultConfig, number | undefined][]) {
    if (v === undefined || !(k in FAULT_DEFAULTS)) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new TypeError(`Invalid fault setting ${k}: ${v}`);
    if (k.endsWith('Rate') && v > 1) throw new TypeError(`Invalid fault setting ${k}: ${v} (a share between 0 and 1)`);
    out[k] = v;
  }
  return out;
}

/** The per-record error a lock fault produces. */
export const LOCK_ERROR = { statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record',
  fields: [] as string[] };
