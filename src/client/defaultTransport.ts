/**
 * The transport a client uses when it is given none. In Node: axios (its own instance, or the one in `options.axios`),
 * with `options.axiosConfig`. Browser builds take `defaultTransport.browser.ts` instead (webpack.config.js, and
 * package.json's `browser` field for the built modules).
 */
import { axiosTransport } from './transport.js';
import type { SalesforceClientOptions, Transport } from './types.js';

export function defaultTransport(options: Pick<SalesforceClientOptions, 'axios' | 'axiosConfig'>): Transport {
  return axiosTransport({ axios: options.axios, axiosConfig: options.axiosConfig });
}
