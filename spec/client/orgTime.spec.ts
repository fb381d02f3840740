import { TestScheduler } from 'rxjs/testing';
import { createTestClient, ok, respond } from '../../src/testing/index.js';

describe('SalesforceClient.orgTime', () => {
  it('reads the org clock from the Date header, never ahead of it, and runs on with the local clock', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold }) => {
      const org = Date.UTC(2024, 4, 1, 12, 0, 0);
      const { client } = createTestClient(scheduler, {
        routes: [respond('GET', '/limits', cold('50ms a', { a: ok({}, { Date: new Date(org).toUTCString() }) }))],
      });
      expect(client.orgTime()).toBeUndefined();
      client.limits$().subscribe();
      scheduler.schedule(() => {
        // the answer arrived at local 50 ms, stamped 12:00:00: the org's clock then was at least that
        expect(client.orgTime()).toBe(org);
        expect(client.orgTime(client.localNow() + 1000)).toBe(org + 1000);
      }, 50);
      scheduler.schedule(() => expect(client.orgTime()).toBe(org + 950), 1000);
    });
  });
});
