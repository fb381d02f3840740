/**
 * The Bulk API 2.0 route module: ingest and query jobs under `/services/data/vXX.X/jobs/`. Each started emulator
 * gets its own engine (jobs, temp files, pacing from `bulkRecordsPerSecond`), disposed when the emulator stops.
 */
import { registerRouteFactory } from '../routes-registry.js';
import type { EmulatorHost, RouteContext, RouteHandler } from '../types.js';
import { ingestRoute } from './ingestRoutes.js';
import { bulkEngineFor, disposeBulkEngine, type BulkClock, type BulkEngine, type BulkOptions } from './jobs.js';
import { queryRoute } from './queryRoutes.js';

function route(engine: BulkEngine, ctx: RouteContext): Promise<boolean> | boolean {
  if (ctx.path.startsWith('/jobs/ingest')) return ingestRoute(engine, ctx);
  if (ctx.path.startsWith('/jobs/query')) return queryRoute(engine, ctx);
  return false;
}

/** Pacing on the emulator's scheduler when it has one (virtual time in tests), else real timers. */
function clockOf(host: EmulatorHost): BulkClock | undefined {
  const scheduler = host.scheduler;
  if (!scheduler) return undefined;
  return {
    now: () => scheduler.now(),
    sleep: ms => new Promise<void>(resolve => { scheduler.schedule(() => resolve(), ms); }),
  };
}

function optionsOf(host: EmulatorHost): Partial<BulkOptions> {
  return { recordsPerSecond: host.options.bulkRecordsPerSecond, rollLock: () => host.faults.rollLock(), clock: clockOf(host) };
}

/** Binds the bulk engine of one running emulator: paced by its options, cleaned up by its stop(). */
export function bulkRoutesFor(host: EmulatorHost): RouteHandler {
  const engine = bulkEngineFor(host.store, optionsOf(host));
  host.onStop(() => disposeBulkEngine(host.store));
  return ctx => route(engine, ctx);
}

/** Stateless form: the engine is found from the context's store (ctx.host's options apply when present). */
export const bulkRoutes: RouteHandler = ctx => {
  if (!ctx.path.startsWith('/jobs/')) return false;
  const engine = bulkEngineFor(ctx.store.org, ctx.host ? optionsOf(ctx.host) : undefined);
  return route(engine, ctx);
};

registerRouteFactory(bulkRoutesFor);
