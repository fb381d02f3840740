/**
 * How Bulk API 2.0 bodies travel, chosen by entry point like util/csvEngine.ts: this module in Node, and
 * transfer.browser.ts in browser bundles (swapped in by webpack.config.js and by package.json's `browser` field for
 * other bundlers). Nothing is decided by looking at the environment at run time.
 *
 * In Node a big upload part travels as a stream over its UTF-8 pieces: a Blob's bytes live outside the JS heap where
 * the garbage collector does not see them, so dead parts piled up between collections and the transport copied each
 * one again as it read it. Result files are read as streams, so one of any size is parsed as it arrives in constant
 * memory.
 */
import { Readable } from 'node:stream';

/** A Node Readable of UTF-8 chunks, as the Node transport sends one without copying it. */
export type ByteStream = AsyncIterable<Uint8Array> & { pipe: (...args: never[]) => unknown };

export interface BulkTransfer {
  /** How result bodies (query results, ingest results) are requested: as a stream, or as text parsed a slice at a time. */
  readonly resultBodies: 'stream' | 'text';
  /** A part's UTF-8 pieces as one stream, or undefined where parts travel as Blobs. */
  readonly partStream: ((pieces: Uint8Array[]) => ByteStream) | undefined;
}

export const bulkTransfer: BulkTransfer = {
  resultBodies: 'stream',
  partStream: pieces => Readable.from(pieces, { objectMode: false }),
};
