/**
 * The Bulk API 2.0 route module: ingest and query jobs under `/services/data/vXX.X/jobs/`. Each started emulator
 * gets its own engine (jobs, temp files, pacing from `bulkRecordsPerSecond`), disposed when the emulator stops.
 */
import { registerRouteFactory } from '../routes-registry.js';
import type { EmulatorHost, RouteContext, RouteHandler } from '../types.js';
import { ingestRoute } from './ingestRoutes.js';
import { bulkEngineFor, disposeBulkEngine, type BulkEngine } from './jobs.js';
import { queryRoute } from './queryRoutes.js';

function route(engine: BulkEngine, ctx: RouteContext): Promise<boolean> | boolean {
  if (ctx.path.startsWith('/jobs/ingest')) return ingestRoute(engine, ctx);
  if (ctx.path.startsWith('/jobs/query')) return queryRoute(engine, ctx);
  return false;
}

/** Binds the bulk engine of one running emulator: paced by its options, cleaned up by its stop(). */
export function bulkRoutesFor(host: EmulatorHost): RouteHandler {
  const engine = bulkEngineFor(host.store, {
    recordsPerSecond: host.options.bulkRecordsPerSecond,
    rollLock: () => host.faults.rollLock(),
  });
  host.onStop(() => disposeBulkEngine(host.store));
  return ctx => route(engine, ctx);
}

/** Stateless form: the engine is found from the context's store (ctx.host's options apply when present). */
export const bulkRoutes: RouteHandler = ctx => {
  if (!ctx.path.startsWith('/jobs/')) return false;
  const host = ctx.host;
  const engine = bulkEngineFor(ctx.store, host
    ? { recordsPerSecond: host.options.bulkRecordsPerSecond, rollLock: () => host.faults.rollLock() }
    : undefined);
  return route(engine, ctx);
};

registerRouteFactory(bulkRoutesFor);
