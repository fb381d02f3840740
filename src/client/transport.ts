/**
 * The axios transport: Node's default (`defaultTransport.ts`), and the browser's when a client is given an axios
 * instance. The sending itself is in `axiosSend.ts`, which needs no axios of its own.
 */
import axios, { type AxiosInstance, type AxiosRequestConfig } from 'axios';
import { sendWithAxios } from './axiosSend.js';
import type { Transport } from './types.js';

export { isSuccessStatus, parseBody, plainHeaders } from './response.js';

export interface AxiosTransportOptions {
  axios?: AxiosInstance;
  axiosConfig?: AxiosRequestConfig;
}

/** Builds a `Transport` over axios: the given instance (with `axiosConfig` merged into each request), or a new one. */
export function axiosTransport(options: AxiosTransportOptions = {}): Transport {
  return options.axios ? sendWithAxios(options.axios, options.axiosConfig) : sendWithAxios(axios.create(options.axiosConfig));
}
