/** Bulk job ids: key prefix 750 and the case-safe checksum real ids carry. */
import { makeId } from '../ids.js';

let sequence = 0;

/** A fresh 18-character job id, unique within the process. */
export function newJobId(): string {
  return makeId('750', ++sequence, '6g0');
}
