import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import { ValidationError } from '../../../src/client/errors.js';
import { downloadFileToPath } from '../../../src/node/download.js';
import { downloadFile } from '../../../src/sources/records/downloadFile.js';
import { Account, ACCOUNT_ID, API, ContentVersion, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

const VERSION_ID = '068D00000000001IAA';

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

describe('downloadFile$', () => {
  useNock();
  let dir = '';
  beforeEach(async () => {
    nock.disableNetConnect();
    dir = await mkdtemp(join(tmpdir(), 'rxforce-download-'));
  });
  afterEach(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await rm(dir, { recursive: true, force: true });
  });

  it("GETs the model's blob field and returns the bytes exactly", async () => {
    const bytes = randomBytes(64 * 1024);
    const scope = org()
      .get(`${API}/sobjects/ContentVersion/${VERSION_ID}/VersionData`)
      .reply(200, Buffer.from(bytes), { 'Content-Type': 'application/octetstream' });
    const got = await downloadFile(ContentVersion, VERSION_ID, { client: nockClient() });
    scope.done();
    expect(got).toBeInstanceOf(Uint8Array);
    expect(Buffer.compare(Buffer.from(got), Buffer.from(bytes))).toBe(0);
  });

  it('knows the blob field of standard objects named by API name, and takes { field }', async () => {
    const scope = org()
      .get(`${API}/sobjects/Attachment/00PD0000000AbCdMAK/Body`).reply(200, 'a')
      .get(`${API}/sobjects/Document/015D0000000Abc1IAC/Body`).reply(200, 'd')
      .get(`${API}/sobjects/Account/${ACCOUNT_ID}/Logo__c`).reply(200, 'l');
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    expect(text(await downloadFile('Attachment', '00PD0000000AbCdMAK', { client: nockClient() }))).toBe('a');
    expect(text(await downloadFile('Document', '015D0000000Abc1IAC', { client: nockClient() }))).toBe('d');
    expect(text(await downloadFile(Account, ACCOUNT_ID, { client: nockClient(), field: 'Logo__c' }))).toBe('l');
    scope.done();
  });

  it('fails before any request without a blob field or with a malformed id', async () => {
    await expectAsync(downloadFile(Account, ACCOUNT_ID, { client: nockClient() })).toBeRejectedWithError(ValidationError);
    await expectAsync(downloadFile(ContentVersion, 'x', { client: nockClient() })).toBeRejectedWithError(ValidationError);
  });

  it('streams to a path in Node with downloadFileToPath', async () => {
    const bytes = randomBytes(300 * 1024);
    org().get(`${API}/sobjects/ContentVersion/${VERSION_ID}/VersionData`).reply(200, Buffer.from(bytes));
    const path = join(dir, 'file.bin');
    const result = await downloadFileToPath(ContentVersion, VERSION_ID, path, { client: nockClient() });
    expect(result).toEqual({ path, bytes: bytes.length });
    expect(Buffer.compare(await readFile(path), Buffer.from(bytes))).toBe(0);
  });

  it('leaves no partial file when the download fails', async () => {
    org()
      .get(`${API}/sobjects/ContentVersion/${VERSION_ID}/VersionData`)
      .reply(404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const path = join(dir, 'missing.bin');
    await expectAsync(downloadFileToPath(ContentVersion, VERSION_ID, path, { client: nockClient() })).toBeRejected();
    await expectAsync(stat(path)).toBeRejected();
  });
});
