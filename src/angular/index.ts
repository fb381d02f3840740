/**
 * rxforce/angular: providers, an `HttpClient` transport and signal state for Angular 20 apps. Angular is an optional
 * peer dependency: only apps that import this entry need it. Browser-safe, and free of decorators, so the package
 * needs no Angular compiler step.
 */
export {
  RXFORCE_CLIENT, rxforceClientToken, provideRxforce, injectRxforceClient, type RxforceConfig, type ProvideRxforceOptions,
} from './provideRxforce.js';
export { httpClientTransport, RXFORCE_REQUEST, type HttpClientTransportOptions } from './httpClientTransport.js';
export { rxAction, toSignalState, type RxAction, type RxActionOptions, type SignalState } from './rxAction.js';
