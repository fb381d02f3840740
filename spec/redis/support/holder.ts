/**
 * A worker that takes the one shared slot and holds it until it is killed: `node --import tsx holder.ts REDIS_URL
 * ORG LEASE_MS`. Prints `held` once its request is in flight.
 */
import { Redis } from 'ioredis';
import { NEVER } from 'rxjs';
import { redisLimiter } from '../../../src/redis/index.js';

const [url, org, leaseMs] = process.argv.slice(2);
const redis = new Redis(url!);
const limiter = redisLimiter({ redis, org: org!, maxConcurrent: 1, leaseMs: Number(leaseMs) });
limiter.run(() => {
  process.stdout.write('held\n');
  return NEVER;
}).subscribe();
