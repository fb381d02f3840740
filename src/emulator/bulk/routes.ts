/** The Bulk API 2.0 route module: ingest and query jobs under `/services/data/vXX.X/jobs/`. */
import type { RouteHandler } from '../types.js';
import { ingestRoute } from './ingestRoutes.js';
import { bulkEngineFor } from './jobs.js';
import { queryRoute } from './queryRoutes.js';

export const bulkRoutes: RouteHandler = async ctx => {
  if (!ctx.path.startsWith('/jobs/')) return false;
  const engine = bulkEngineFor(ctx.store);
  if (ctx.path.startsWith('/jobs/ingest')) return ingestRoute(engine, ctx);
  if (ctx.path.startsWith('/jobs/query')) return queryRoute(engine, ctx);
  return false;
};
