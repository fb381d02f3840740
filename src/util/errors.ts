import { redact } from './redact.js';

/** Bad input caught before any request: names the sobject, record index and field. */
export class ValidationError extends Error {
  override name = 'ValidationError';
  readonly recordIndex?: number;
  readonly field?: string;
  readonly sobject?: string;
  readonly reason: string;

  constructor(init: { reason: string; recordIndex?: number; field?: string; sobject?: string }) {
    const where = [init.sobject, init.recordIndex !== undefined ? `record ${init.recordIndex}` : undefined,
      init.field !== undefined ? `field ${init.field}` : undefined].filter(Boolean).join(', ');
    super(redact(where ? `${where}: ${init.reason}` : init.reason));
    this.reason = redact(init.reason);
    if (init.recordIndex !== undefined) this.recordIndex = init.recordIndex;
    if (init.field !== undefined) this.field = init.field;
    if (init.sobject !== undefined) this.sobject = init.sobject;
  }
}
