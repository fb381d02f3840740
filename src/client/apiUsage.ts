/** `Sforce-Limit-Info` parsing. */
import type { ApiUsage } from './types.js';

/**
 * The org-wide usage from a `Sforce-Limit-Info` header value.
 * @example parseLimitInfo('api-usage=18/5000') // { used: 18, max: 5000 }
 */
export function parseLimitInfo(value: string | undefined): ApiUsage | undefined {
  if (!value) return undefined;
  // the header may also carry per-app-api-usage=…(appName=…); only the org-wide counter matters for the budget
  for (const part of value.split(',')) {
    const [key, counts] = part.trim().split('=', 2);
    if (key !== 'api-usage' || !counts) continue;
    const [used, max] = counts.split('/').map(n => Number(n.trim()));
    if (Number.isFinite(used) && Number.isFinite(max) && max! > 0) return { used: used!, max: max! };
  }
  return undefined;
}
