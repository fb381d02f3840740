import { ValidationError } from '../../src/client/errors.js';
import { defineSObject, sf } from '../../src/model/index.js';
import { Account, Contact, ContentVersion, ID_A, ID_U } from './fixtures/models.js';

/** A full REST record of the fixture Account, every kind present. */
const wire = (): Record<string, unknown> => ({
  attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${ID_A}` },
  Id: ID_A, Name: 'Acme', Industry: 'Energy', Rating: 'Hot', AnnualRevenue: 1250000.5, NumberOfEmployees: 42,
  Share__c: 12.5, Score__c: -0.25, Active__c: false, Tags__c: 'a;c', Founded__c: '1999-12-31', Opens__c: '08:30:00.000Z',
  LastSeen__c: '2013-05-20T20:49:32.000+0000', Website: 'https://acme.test', Phone: '+1 555 0100', Email__c: 'hq@acme.test',
  Description: 'Line one\nline two', External_Id__c: 'ACME-1', ParentId: null, OwnerId: ID_U, Region__c: 'APAC',
  CreatedDate: '2012-01-02T03:04:05.000+0000', Formula__c: null, SetOnce__c: 'x',
});

function validationError(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('defineSObject', () => {
  describe('fromWire', () => {
    it('turns every wire kind into its record type', () => {
      const a = Account.fromWire(wire());
      expect(a.LastSeen__c).toEqual(new Date(Date.UTC(2013, 4, 20, 20, 49, 32)));
      expect(a.Tags__c).toEqual(['a', 'c']);
      expect(a.Founded__c).toBe('1999-12-31');
      expect(a.Opens__c).toBe('08:30:00.000Z');
      expect(a.Active__c).toBe(false);
      expect(a.AnnualRevenue).toBe(1250000.5);
      expect(a.ParentId).toBeNull();
    });

    it('keeps fields the model does not name, as the server sent them', () => {
      const a = Account.fromWire({ ...wire(), Owner: { attributes: { type: 'User' }, Name: 'Ann' }, expr0: 3 });
      expect((a as Record<string, unknown>).Owner).toEqual({ attributes: { type: 'User' }, Name: 'Ann' });
      expect((a as Record<string, unknown>).expr0).toBe(3);
      expect((a as Record<string, unknown>).attributes).toEqual(wire().attributes);
    });

    it('matches field names case-insensitively and stores them in the model casing', () => {
      const a = Account.fromWire({ id: ID_A, NAME: 'Acme' }) as Record<string, unknown>;
      expect(a.Id).toBe(ID_A);
      expect(a.Name).toBe('Acme');
    });

    it('drops a null for an optional field that is not nullable (its type has no null)', () => {
      const a = Account.fromWire({ Id: ID_A, Industry: null });
      expect('Industry' in a).toBe(false);
    });

    it('reads the bulk CSV flavour: empty is null, true/false, numbers, Z datetimes', () => {
      const a = Account.fromWire({
        Id: ID_A, Name: 'Acme', AnnualRevenue: '1250000.5', NumberOfEmployees: '42', Active__c: 'true', Tags__c: 'a;b',
        LastSeen__c: '2013-05-20T20:49:32.000Z', Founded__c: '', Rating: '', Unknown__c: '',
      }, { csv: true });
      expect(a.AnnualRevenue).toBe(1250000.5);
      expect(a.NumberOfEmployees).toBe(42);
      expect(a.Active__c).toBe(true);
      expect(a.Tags__c).toEqual(['a', 'b']);
      expect(a.LastSeen__c).toEqual(new Date(Date.UTC(2013, 4, 20, 20, 49, 32)));
      expect(a.Founded__c).toBeNull();
      expect(a.Rating).toBeNull();
      expect((a as Record<string, unknown>).Unknown__c).toBe('');
    });

    it('refuses a malformed server value, naming the field', () => {
      const e = validationError(() => Account.fromWire({ Id: ID_A, LastSeen__c: 'yesterday' }));
      expect(e.field).toBe('LastSeen__c');
      expect(e.sobject).toBe('Account');
    });
  });

  describe('round trips', () => {
    it('wire → record → wire gives the same values for every writable kind', () => {
      const original = wire();
      const back = Account.toWire(Account.fromWire(original), 'update');
      const expected = { ...original };
      for (const k of ['attributes', 'CreatedDate', 'Formula__c', 'SetOnce__c']) delete expected[k];
      expect(back).toEqual(expected);
    });

    it('REST datetimes in other offsets come back in the canonical +0000 form', () => {
      for (const [input, iso] of [
        ['2013-05-20T22:49:32.000+02:00', '2013-05-20T20:49:32.000Z'],
        ['2013-05-20T15:49:32.000-0500', '2013-05-20T20:49:32.000Z'],
        ['2013-05-20T20:49:32Z', '2013-05-20T20:49:32.000Z'],
        ['2013-05-20T20:49:32.123456Z', '2013-05-20T20:49:32.123Z'],
      ]) {
        const a = Account.fromWire({ Id: ID_A, LastSeen__c: input });
        expect(a.LastSeen__c?.toISOString()).withContext(input!).toBe(iso!);
        expect(Account.toWire(a, 'update').LastSeen__c).toBe(iso!.replace('Z', '+0000'));
      }
    });
  });

  describe('toWire', () => {
    it('never sends read-only fields, even when set (a record read then saved just works)', () => {
      const a = Account.fromWire(wire());
      a.CreatedDate = new Date();
      const body = Account.toWire(a, 'update');
      expect('CreatedDate' in body).toBe(false);
      expect('Formula__c' in body).toBe(false);
    });

    it('sends Id only on update, and createable-only fields only on insert', () => {
      const rec = { Id: ID_A, Name: 'Acme', SetOnce__c: 'v' };
      expect(Account.toWire({ Name: 'Acme', SetOnce__c: 'v' }, 'insert')).toEqual({ Name: 'Acme', SetOnce__c: 'v', Active__c: true, Region__c: 'EMEA' });
      expect(Account.toWire(rec, 'update')).toEqual({ Id: ID_A, Name: 'Acme' });
      expect(Account.toWire(rec, 'upsert')).toEqual({ Name: 'Acme', SetOnce__c: 'v' });
    });

    it('applies defaults on insert only, calling a default function per record', () => {
      let n = 0;
      const M = defineSObject('Thing__c', { Id: sf.id(), Seq__c: sf.int({ default: () => ++n }), Kind__c: sf.string({ default: 'k' }) });
      expect(M.toWire({}, 'insert')).toEqual({ Seq__c: 1, Kind__c: 'k' });
      expect(M.toWire({}, 'insert')).toEqual({ Seq__c: 2, Kind__c: 'k' });
      expect(M.toWire({ Seq__c: 9 }, 'insert')).toEqual({ Seq__c: 9, Kind__c: 'k' });
      expect(M.toWire({ Id: ID_A }, 'update')).toEqual({ Id: ID_A });
      expect(M.create({}).Kind__c).toBe('k');
    });

    it('sends null to clear a nullable field, and an empty multipicklist as null', () => {
      expect(Account.toWire({ Id: ID_A, Rating: null, Tags__c: [] }, 'update')).toEqual({ Id: ID_A, Rating: null, Tags__c: null });
    });

    it('encodes bytes of a blob field as base64, and does not re-send the REST path it was read with', () => {
      const bytes = new TextEncoder().encode('hello, world');
      expect(ContentVersion.toWire({ Title: 't', PathOnClient: 't.txt', VersionData: bytes }, 'insert').VersionData)
        .toBe('aGVsbG8sIHdvcmxk');
      const read = ContentVersion.fromWire({ Id: '068000000000001AAA', Title: 't', PathOnClient: 't.txt',
        VersionData: '/services/data/v62.0/sobjects/ContentVersion/068000000000001AAA/VersionData' });
      expect(ContentVersion.toWire(read, 'update')).toEqual({ Id: '068000000000001AAA', Title: 't', PathOnClient: 't.txt' });
      expect(ContentVersion.blobField).toBe('VersionData');
    });

    it('accepts a browser Blob in a blob field, kept for a multipart sender and refused in a JSON body', () => {
      const file = new Blob(['hello']);
      const record = { Title: 't', PathOnClient: 't.txt', VersionData: file };
      expect(ContentVersion.toWire(record, 'insert', { keepBlob: true }).VersionData).toBe(file);
      const e = validationError(() => ContentVersion.toWire(record, 'insert', { index: 4 }));
      expect(e.message).toBe('ContentVersion, record 4, field VersionData: a Blob cannot go in a JSON body; pass its bytes ' +
        '(new Uint8Array(await blob.arrayBuffer())), or save the record with saveInsert$, saveUpdate$ or saveUpsert$, ' +
        'which read the Blob themselves');
      expect(validationError(() => ContentVersion.toWire({ ...record, VersionData: 42 as never }, 'insert')).message)
        .toBe('ContentVersion, field VersionData: expected a base64 string, a Uint8Array or a Blob, got number');
    });

    it('writes a parent by external id through its relationship name', () => {
      const body = Contact.toWire({ LastName: 'Doe', Account: { External_Id__c: 'ACME-1' } } as never, 'upsert');
      expect(body).toEqual({ LastName: 'Doe', Account: { External_Id__c: 'ACME-1' } });
    });

    it('refuses fields the model does not name, unless the model passes them through', () => {
      const e = validationError(() => Contact.toWire({ LastName: 'Doe', Shoe_Size__c: 44 } as never, 'insert', { index: 7 }));
      expect(e.field).toBe('Shoe_Size__c');
      expect(e.recordIndex).toBe(7);
      const Open = defineSObject('Contact', { Id: sf.id(), LastName: sf.string() }, { passthrough: true });
      expect(Open.toWire({ LastName: 'Doe', Shoe_Size__c: 44 } as never, 'insert')).toEqual({ LastName: 'Doe', Shoe_Size__c: 44 });
    });

    it('does not send unknown fields that came from the server untouched (parents, attributes)', () => {
      const c = Contact.fromWire({ attributes: { type: 'Contact' }, Id: '003000000000001AAA', LastName: 'Doe',
        Account: { attributes: { type: 'Account' }, Name: 'Acme' } });
      expect(Contact.toWire(c, 'update')).toEqual({ Id: '003000000000001AAA', LastName: 'Doe' });
    });
  });

  describe('validation errors name the sobject, record, field and reason', () => {
    const cases: [string, Record<string, unknown>, 'insert' | 'update', string, RegExp][] = [
      ['wrong type', { Name: 42 }, 'insert', 'Name', /expected a string, got number/],
      ['string too long', { Name: 'x'.repeat(21) }, 'insert', 'Name', /string too long \(21 > 20 characters\)/],
      ['restricted picklist', { Name: 'A', Industry: 'Mining' }, 'insert', 'Industry', /'Mining' is not allowed in restricted picklist/],
      ['restricted multipicklist', { Name: 'A', Tags__c: ['a', 'z'] }, 'insert', 'Tags__c', /'z' is not allowed/],
      ['separator inside a multipicklist value', { Name: 'A', Tags__c: ['a;b'] }, 'insert', 'Tags__c', /contains ';'/],
      ['required field missing', { Industry: 'Energy' }, 'insert', 'Name', /required field is missing/],
      ['malformed reference id', { Name: 'A', ParentId: '001xyz' }, 'insert', 'ParentId', /malformed reference id '001xyz'/],
      ['malformed Id', { Id: '001000000000001AAB', Name: 'A' }, 'update', 'Id', /malformed Id/],
      ['Id missing on update', { Name: 'A' }, 'update', 'Id', /Id is required for update/],
      ['Id set on insert', { Id: ID_A, Name: 'A' }, 'insert', 'Id', /Id is set on insert; Salesforce assigns Ids/],
      ['null on a non-nullable field', { Id: ID_A, Name: null }, 'update', 'Name', /null is not allowed/],
      ['integer expected', { Name: 'A', NumberOfEmployees: 1.5 }, 'insert', 'NumberOfEmployees', /expected an integer/],
      ['infinite number', { Name: 'A', AnnualRevenue: Infinity }, 'insert', 'AnnualRevenue', /finite/],
      ['malformed date', { Name: 'A', Founded__c: '2023-02-30' }, 'insert', 'Founded__c', /malformed date/],
      ['date given as Date', { Name: 'A', Founded__c: new Date() }, 'insert', 'Founded__c', /got Date/],
      ['invalid Date', { Name: 'A', LastSeen__c: new Date('nope') }, 'insert', 'LastSeen__c', /valid Date/],
      ['malformed time', { Name: 'A', Opens__c: '25:00' }, 'insert', 'Opens__c', /malformed time/],
    ];
    for (const [what, record, op, field, reason] of cases) {
      it(what, () => {
        const e = validationError(() => Account.toWire(record as never, op, { index: 3 }));
        expect(e.sobject).toBe('Account');
        expect(e.recordIndex).toBe(3);
        expect(e.field).toBe(field);
        expect(e.reason).toMatch(reason);
        expect(e.message).toContain(`Account, record 3, field ${field}: `);
      });
    }

    it('validate() throws the same error without building a body', () => {
      expect(() => Account.validate({ Name: 'x'.repeat(21) }, 'insert', 5)).toThrowMatching(
        e => e instanceof ValidationError && e.recordIndex === 5 && e.field === 'Name');
      expect(() => Account.validate('not a record', 'insert')).toThrowMatching(e => e instanceof ValidationError);
    });
  });
});
