/**
 * The transport a client uses when it is given none. In Node: `node:http` directly (`nodeTransport.ts`), which hands
 * axios what it does not send itself (a proxy from the environment, unusual bodies); or axios throughout when the
 * client is given an axios instance (`options.axios`) or axios config (`options.axiosConfig`). Browser builds take
 * `defaultTransport.browser.ts` instead (webpack.config.js, and package.json's `browser` field for the built modules).
 */
import { nodeTransport } from './nodeTransport.js';
import { axiosTransport } from './transport.js';
import type { SalesforceClientOptions, Transport } from './types.js';

export function defaultTransport(options: Pick<SalesforceClientOptions, 'axios' | 'axiosConfig'>): Transport {
  if (options.axios || options.axiosConfig) return axiosTransport({ axios: options.axios, axiosConfig: options.axiosConfig });
  let axiosFallback: Transport | undefined;
  return nodeTransport({ fallback: req => (axiosFallback ??= axiosTransport())(req) });
}
