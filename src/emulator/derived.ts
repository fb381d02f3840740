/** Fields Salesforce computes itself: full names, auto numbers, Opportunity stage flags, file metadata. */
import type { ObjectSchema, RecordError, StoredRecord } from './types.js';

/** What derive needs from the store. */
export interface DeriveHost {
  internalInsert(sobject: string, values: Record<string, unknown>): StoredRecord;
  internalSet(id: string, values: Record<string, unknown>): void;
  created(sobject: string): number;
  get(id: string): StoredRecord | undefined;
}

const CLOSED_STAGES: Record<string, [won: boolean, forecast: string, probability: number]> = {
  'Closed Won': [true, 'Closed', 100], 'Closed Lost': [false, 'Omitted', 0],
};
const OPEN_PROBABILITY: Record<string, number> = { Prospecting: 10, Qualification: 10, 'Needs Analysis': 20,
  'Value Proposition': 50, 'Id. Decision Makers': 60, 'Perception Analysis': 70, 'Proposal/Price Quote': 75,
  'Negotiation/Review': 90 };

function extension(path: unknown): string | null {
  const m = typeof path === 'string' ? /\.([A-Za-z0-9]+)$/.exec(path) : null;
  return m ? m[1].toLowerCase() : null;
}

/** Computes derived fields on a row about to be written (`blob` = new binary content, if any). */
export function derive(host: DeriveHost, s: ObjectSchema, rec: StoredRecord, blob?: Buffer): RecordError | undefined {
  switch (s.name) {
    case 'Contact': case 'Lead': case 'User':
      rec.Name = [rec.FirstName, rec.LastName].filter(x => x !== null && x !== undefined && x !== '').join(' ');
      break;
    case 'Case':
      if (!rec.CaseNumber) rec.CaseNumber = String(host.created('Case') + 1001).padStart(8, '0');
      rec.IsClosed = rec.Status === 'Closed';
      break;
    case 'Opportunity': {
      const closed = CLOSED_STAGES[rec.StageName as string];
      rec.IsClosed = !!closed;
      rec.IsWon = closed ? closed[0] : false;
      rec.ForecastCategoryName = closed ? closed[1] : rec.ForecastCategoryName ?? 'Pipeline';
      if (rec.Probability === undefined || rec.Probability === null) {
        rec.Probability = closed ? closed[2] : OPEN_PROBABILITY[rec.StageName as string] ?? 0;
      }
      break;
    }
    case 'Task':
      rec.IsClosed = rec.Status === 'Completed' || rec.Status === 'Deferred';
      break;
    case 'Attachment': case 'Document':
      if (blob) rec.BodyLength = blob.length;
      break;
    case 'ContentVersion': {
      if (blob) rec.ContentSize = blob.length;
      const ext = extension(rec.PathOnClient);
      rec.FileExtension = ext;
      rec.FileType = ext ? ext.toUpperCase() : 'UNKNOWN';
      if (!rec.ContentDocumentId) {
        if (!rec.PathOnClient) {
          return { statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [PathOnClient]',
            fields: ['PathOnClient'] };
        }
        const doc = host.internalInsert('ContentDocument', { Title: rec.Title, FileType: rec.FileType,
          FileExtension: ext, ContentSize: rec.ContentSize ?? 0 });
        rec.ContentDocumentId = doc.Id;
        rec.VersionNumber = '1';
      } else if (!rec.VersionNumber) {
        rec.VersionNumber = String(host.created('ContentVersion') + 1);
      }
      rec.IsLatest = true;
      break;
    }
  }
  return undefined;
}

/** Side effects once a row exists (a ContentDocument points at its latest version). */
export function onCreated(host: DeriveHost, s: ObjectSchema, rec: StoredRecord): void {
  if (s.name === 'ContentVersion' && rec.ContentDocumentId) {
    const doc = host.get(rec.ContentDocumentId as string);
    const previous = doc?.LatestPublishedVersionId as string | undefined;
    if (previous && previous !== rec.Id) host.internalSet(previous, { IsLatest: false });
    host.internalSet(rec.ContentDocumentId as string, { LatestPublishedVersionId: rec.Id, Title: rec.Title,
      ContentSize: rec.ContentSize ?? 0, FileType: rec.FileType, FileExtension: rec.FileExtension });
  }
}
