/**
 * The browser build's bulk transfer (see transfer.ts): browsers' XHR adapter has neither streamed request bodies nor
 * streamed responses, so parts travel as Blobs of UTF-8 bytes and result files are read as text (parsed a slice at a
 * time).
 */
import type { BulkTransfer } from './transfer.js';

export const bulkTransfer: BulkTransfer = {
  resultBodies: 'text',
  partStream: undefined,
};
