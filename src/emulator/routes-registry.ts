/**
 * Where route modules written apart from the server (SOQL `/query`, Bulk 2.0 `/jobs`) plug in: they register at
 * import time; each started emulator builds its handlers from the factories, so per-org state stays per emulator.
 */
import type { EmulatorHost, RouteFactory, RouteHandler } from './types.js';

const factories: RouteFactory[] = [];

/** Adds a stateless handler, tried after the core routes for every authenticated `/services/data/vXX.X` request. */
export function registerRoutes(handler: RouteHandler): void {
  factories.push(() => handler);
}

/** Adds a factory called once per started emulator (for modules with per-org state and background work). */
export function registerRouteFactory(factory: RouteFactory): void {
  factories.push(factory);
}

export function buildHandlers(host: EmulatorHost): RouteHandler[] {
  return factories.map(f => f(host));
}
