import { rxforce } from './support.js';

describe('rxforce URL flags', () => {
  it('a --login-url or --instance-url that is no URL is a usage error: one line naming the flag, exit 2', async () => {
    const login = await rxforce(['query', 'SELECT Id FROM Account', '--login-url', 'notaurl', '--username', 'u', '--password', 'p',
      '--client-id', 'k', '--client-secret', 's']);
    expect(login.code).toBe(2);
    expect(login.stderr).toBe('rxforce: --login-url "notaurl" is not a URL (e.g. https://login.salesforce.com)\n');
    const instance = await rxforce(['limits', '--access-token', 't'], { SF_INSTANCE_URL: 'my.salesforce.com' });
    expect(instance.code).toBe(2);
    expect(instance.stderr).toBe('rxforce: --instance-url "my.salesforce.com" is not a URL (e.g. https://login.salesforce.com)\n');
  });
});
