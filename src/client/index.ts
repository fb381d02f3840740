/** The client layer: `SalesforceClient`, auth flows, typed errors, retry policy. Browser-safe. */
export * from './types.js';
export * from './errors.js';
export { SalesforceClient, resolveClient, latestVersion } from './client.js';
export { axiosTransport, type AxiosTransportOptions } from './transport.js';
export { isSuccessStatus } from './response.js';
export { Limiter } from './limiter.js';
export {
  RETRY_DEFAULTS, type ResolvedRetryConfig, resolveRetryConfig, retryPolicy, backoffDelay, retryAfterMs, isRetryable, isIdempotentMethod,
  isNetworkError, isConcurrencyLimit, isTransientStatus,
} from './retry.js';
export { parseLimitInfo } from './apiUsage.js';
export { redact } from '../util/redact.js';
export { assertSecureUrl, isLoopbackHost } from './secureUrl.js';
export * from './auth/index.js';
