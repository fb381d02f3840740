import { map, of, type Observable } from 'rxjs';
import { toBase64, type SObjectModel } from '../../model/index.js';
import { binaryOf, bytes$, entityPartName, fileNameOf, multipartBody } from '../internal/blob.js';

export interface SaveBody {
  data: unknown;
  headers?: Record<string, string>;
}

/**
 * The request body of a single-record save. When the record carries bytes in the model's blob field, an insert or
 * update goes as multipart/form-data (no 50 MB JSON cap); an upsert, which Salesforce takes only as JSON, carries the
 * bytes base64-encoded. Otherwise the wire fields go as JSON.
 *
 * @param sendBlob whether the blob's bytes are part of this save (false when `onlyChanges` found them unchanged)
 */
export function saveBody$(
  model: SObjectModel<any>,
  record: object,
  wire: Record<string, unknown>,
  mode: 'multipart' | 'json',
  sendBlob = true,
): Observable<SaveBody> {
  const binary = binaryOf(model, record);
  if (!binary) return of({ data: wire });
  const fields = { ...wire };
  delete fields[binary.field];
  if (!sendBlob) return of({ data: fields });
  return bytes$(binary.content).pipe(
    map((content): SaveBody => {
      if (mode === 'json') return { data: { ...fields, [binary.field]: toBase64(content) } };
      const body = multipartBody(entityPartName(model.apiName), fields, binary.field, fileNameOf(record, binary.field), content);
      return { data: body.data, headers: { 'Content-Type': body.contentType } };
    }),
  );
}
