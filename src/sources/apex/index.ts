/** Apex REST: calls to `/services/apexrest/…` with the client's session. */
export { apex$, apex, type ApexCall, type ApexAnswer } from './apex.js';
