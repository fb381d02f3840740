/**
 * The transport a client uses when it is given none, in browser builds: the browser's `fetch`, so a page carries no
 * HTTP library; or the page's own axios when one is given in `options.axios` (with `options.axiosConfig`). Node
 * takes `defaultTransport.ts`.
 */
import { sendWithAxios } from './axiosSend.js';
import { fetchTransport } from './fetchTransport.js';
import type { SalesforceClientOptions, Transport } from './types.js';

export function defaultTransport(options: Pick<SalesforceClientOptions, 'axios' | 'axiosConfig'>): Transport {
  if (options.axios) return sendWithAxios(options.axios, options.axiosConfig);
  if (options.axiosConfig) {
    // the browser build sends with fetch and carries no axios to apply the config to
    throw new TypeError('axiosConfig needs an axios instance in a browser build: pass { axios: axios.create(axiosConfig) }');
  }
  return fetchTransport();
}
