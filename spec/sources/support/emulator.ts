import nock from 'nock';

export { startOrg } from '../../support/org.js';

/**
 * Real sockets for emulator specs: nock's interceptor, once loaded by any spec, wraps every socket in a mock that
 * passes through, and its passthrough closes streamed responses early now and then (`Error: aborted`). Call in
 * beforeAll; the returned function (for afterAll) puts the interceptor back.
 */
export function withoutNock(): () => void {
  if (!nock.isActive()) return () => undefined;
  nock.restore();
  return () => nock.activate();
}
