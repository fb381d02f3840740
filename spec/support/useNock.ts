import nock from 'nock';

/** Switches nock's interception on for the enclosing suite only; call at the top of a `describe`. */
export function useNock(): void {
  beforeAll(() => {
    if (!nock.isActive()) nock.activate();
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}
