import { redact, rememberSecret } from '../../src/util/redact.js';

describe('redact', () => {
  it('scrubs a remembered secret wherever it appears', () => {
    rememberSecret('s3cr3t-Passw0rd');
    expect(redact('login failed for s3cr3t-Passw0rd at /x')).toBe('login failed for [REDACTED] at /x');
  });

  it('leaves ordinary words alone: strings shorter than a Salesforce password are not remembered', () => {
    rememberSecret('rxforce');
    expect(redact('cannot write /tmp/rxforce-cli-1/out.csv')).toBe('cannot write /tmp/rxforce-cli-1/out.csv');
  });

  it('scrubs secret-named fields whatever their length', () => {
    expect(redact('grant_type=password&password=abc&username=u')).toBe('grant_type=password&password=[REDACTED]&username=u');
  });
});
