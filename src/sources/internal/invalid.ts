import { ValidationError } from '../../util/errors.js';

/** Builds the ValidationError thrown for bad input before any request, in one place. */
export function invalid(reason: string, details: { sobject?: string; field?: string; recordIndex?: number } = {}): ValidationError {
  return new ValidationError({ reason, ...details });
}
