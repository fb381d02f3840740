import nock from 'nock';
import { parseMultipart, boundaryOf } from '../../../src/emulator/rest/multipart.js';
import { multipartBody } from '../../../src/sources/internal/blob.js';
import { saveInsert } from '../../../src/sources/records/saveInsert.js';
import { saveUpdate } from '../../../src/sources/records/saveUpdate.js';
import { saveUpsert } from '../../../src/sources/records/saveUpsert.js';
import { defineSObject, sf } from '../../../src/model/index.js';
import { API, ContentVersion, nockClient, org } from '../support/fixtures.js';
import { useNock } from '../../support/useNock.js';

const VERSION_ID = '068D00000000001IAA';
const Document = defineSObject('Document', { Id: sf.id(), Name: sf.string(), FolderId: sf.reference('Folder'), Body: sf.blob() });
const Attachment = defineSObject('Attachment', {
  Id: sf.id(), Name: sf.string(), ParentId: sf.reference('Account'), Body: sf.blob(), External__c: sf.string({ externalId: true }).optional(),
});

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) globalThis.crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

describe('blob uploads', () => {
  useNock();
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('builds a multipart body whose binary part is byte-exact', () => {
    const bytes = randomBytes(300 * 1024);
    const { data, contentType } = multipartBody('entity_content', { Title: 'r' }, 'VersionData', 'r.bin', bytes);
    expect(contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(data.byteOffset).toBe(0);
    expect(data.buffer.byteLength).toBe(data.byteLength); // transports sending view.buffer send exactly the body
    const parts = parseMultipart(Buffer.from(data), boundaryOf(contentType)!);
    expect(parts.map((p) => p.name)).toEqual(['entity_content', 'VersionData']);
    expect(Buffer.compare(parts[1]!.data, Buffer.from(bytes))).toBe(0);
  });

  it('inserts bytes as multipart: the fields as application/json, then the file under the blob field', async () => {
    let contentType = '';
    let raw = '';
    const scope = org()
      .post(`${API}/sobjects/ContentVersion`, (body: string) => ((raw = body), true))
      .reply(201, function () {
        contentType = String(this.req.headers['content-type']);
        return { id: VERSION_ID, errors: [], success: true };
      });
    const bytes = new TextEncoder().encode('hello, file');
    const record = { Title: 'Q1', PathOnClient: 'reports/Q1.txt', VersionData: bytes };
    const result = await saveInsert(ContentVersion, record, { client: nockClient() });
    scope.done();
    expect(result.id).toBe(VERSION_ID);
    const parts = parseMultipart(Buffer.from(raw, 'latin1'), boundaryOf(contentType)!);
    expect(parts.length).toBe(2);
    expect(parts[0]!.name).toBe('entity_content');
    expect(parts[0]!.contentType).toBe('application/json');
    expect(parts[0]!.filename).toBeUndefined();
    expect(JSON.parse(parts[0]!.data.toString('utf8'))).toEqual({ Title: 'Q1', PathOnClient: 'reports/Q1.txt' });
    expect(parts[1]!.name).toBe('VersionData');
    expect(parts[1]!.filename).toBe('Q1.txt');
    expect(parts[1]!.data.toString('utf8')).toBe('hello, file');
  });

  it('names the JSON part entity_document for Document', async () => {
    let raw = '';
    org()
      .post(`${API}/sobjects/Document`, (body: string) => ((raw = body), true))
      .reply(201, { id: '015D0000000Abc1IAC', errors: [], success: true });
    await saveInsert(Document, { Name: 'logo.png', FolderId: '005D0000001AbCdIAK', Body: new TextEncoder().encode('png') }, {
      client: nockClient(),
    });
    expect(raw).toContain('name="entity_document"');
    expect(raw).toContain('name="Body"; filename="logo.png"');
  });

  it('takes a Blob as well as a Uint8Array', async () => {
    let raw = '';
    org()
      .post(`${API}/sobjects/ContentVersion`, (body: string) => ((raw = body), true))
      .reply(201, { id: VERSION_ID, errors: [], success: true });
    const record = { Title: 'b', PathOnClient: 'b.txt', VersionData: new Blob(['from a blob']) };
    await saveInsert(ContentVersion, record, { client: nockClient() });
    expect(raw).toContain('from a blob');
  });

  it('updates with multipart only when the bytes changed (onlyChanges)', async () => {
    const record = Attachment.fromWire({
      Id: '00PD0000000AbCdMAK', Name: 'a.txt', ParentId: '001D000000IqhSLIAZ', Body: `${API}/sobjects/Attachment/00PD0000000AbCdMAK/Body`,
    });
    record.Name = 'b.txt';
    let body: unknown;
    org().patch(`${API}/sobjects/Attachment/00PD0000000AbCdMAK`, (b) => ((body = b), true)).reply(204);
    await saveUpdate(Attachment, record, { client: nockClient(), onlyChanges: true });
    expect(body).toEqual({ Name: 'b.txt' }); // the blob path read from the server is not content

    record.Body = new TextEncoder().encode('new content');
    let raw = '';
    org().patch(`${API}/sobjects/Attachment/00PD0000000AbCdMAK`, (b: string) => ((raw = b), true)).reply(204);
    await saveUpdate(Attachment, record, { client: nockClient(), onlyChanges: true });
    expect(raw).toContain('name="entity_content"');
    expect(raw).toContain('new content');
  });

  it('sends the bytes base64-encoded in JSON for an upsert', async () => {
    let body: Record<string, unknown> = {};
    org()
      .patch(`${API}/sobjects/Attachment/External__c/X1`, (b: Record<string, unknown>) => ((body = b), true))
      .reply(201, { id: '00PD0000000AbCdMAK', errors: [], success: true, created: true });
    await saveUpsert(Attachment, { Name: 'x', ParentId: '001D000000IqhSLIAZ', External__c: 'X1', Body: new Uint8Array([0, 1, 2, 255]) }, 'External__c', {
      client: nockClient(),
    });
    expect(body.Body).toBe('AAEC/w==');
  });
});
