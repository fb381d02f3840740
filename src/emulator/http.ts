/** Small HTTP helpers for node:http: bounded body reading, JSON parsing with Salesforce's parser error. */
import type { IncomingMessage } from 'node:http';
import { SfHttpError } from './types.js';

/** ContentVersion bodies may reach 2 GB on Salesforce; the emulator holds bodies in memory, so it stops at 512 MB. */
export const MAX_BODY_BYTES = 512 * 1024 * 1024;
/**
 * Bodies of the endpoints that take no session (token, authorize, revoke, SOAP login) are a few form fields or one
 * small envelope; anyone can send them, so they stop at 64 KB instead of holding up to 512 MB in memory.
 */
export const MAX_UNAUTHENTICATED_BODY_BYTES = 64 * 1024;
/** A plain JSON body is capped at 50 MB. */
export const MAX_JSON_BYTES = 50 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      // refused on the declared length: nothing of it is held, the rest is read and dropped
      reject(new SfHttpError(413, 'REQUEST_ENTITY_TOO_LARGE', `Request body exceeds ${limit} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new SfHttpError(413, 'REQUEST_ENTITY_TOO_LARGE', `Request body exceeds ${limit} bytes`));
        // the rest is read and dropped (not destroyed), so the 413 and its error body still reach the client
        req.off('data', onData);
        chunks.length = 0;
        req.resume();
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Offset of the byte at which a UTF-8 decoder first fails (the WHATWG decoder's steps, in one pass): a byte that
 * cannot start a sequence, or the byte that breaks one; a sequence cut off by the end reports the last byte.
 */
export function invalidUtf8At(body: Uint8Array): number {
  let needed = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < body.length; i++) {
    const b = body[i] as number;
    if (needed === 0) {
      if (b <= 0x7f) continue;
      if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        needed = 2;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        needed = 3;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else return i;
      continue;
    }
    if (b < lower || b > upper) return i;
    lower = 0x80;
    upper = 0xbf;
    needed--;
  }
  return Math.max(0, body.length - 1);
}

/**
 * Deepest nesting of arrays and objects a JSON body may have. Salesforce's parser stops documents nested deeper than
 * its limit with JSON_PARSER_ERROR (Jackson's default is 1,000; the exact limit and wording are unconfirmed);
 * without a limit, a body nested 100,000 deep overflows the stack of whatever walks it next.
 */
export const MAX_JSON_DEPTH = 1000;

/** The offset where nesting first goes deeper than `max`, or -1; strings are skipped, so one pass over the text. */
function nestingTooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) { // a string: skip to its closing quote
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}

/** Parses a JSON body the way the REST API reports broken input (400 JSON_PARSER_ERROR). */
export function parseJson(body: Buffer): unknown {
  if (body.length > MAX_JSON_BYTES) throw new SfHttpError(413, 'REQUEST_ENTITY_TOO_LARGE', 'JSON body exceeds 50 MB');
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    // Salesforce's parser refuses the bytes rather than storing U+FFFD in the record
    const at = invalidUtf8At(body);
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', `Invalid UTF-8 start byte 0x${body[at].toString(16)} at ` +
      `[line:1, column:${at + 1}]`);
  }
  const deep = nestingTooDeepAt(text, MAX_JSON_DEPTH);
  if (deep >= 0) {
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', `Document nesting depth (${MAX_JSON_DEPTH + 1}) exceeds the ` +
      `maximum allowed (${MAX_JSON_DEPTH}) at [line:1, column:${deep + 1}]`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const where = /position (\d+)/.exec(String(e))?.[1] ?? '0';
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', `Unexpected character ('${text[+where] ?? ''}'): was expecting ` +
      `a valid JSON value at [line:1, column:${+where + 1}]`);
  }
}

/** A JSON object body, or 400 JSON_PARSER_ERROR naming what it got instead. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const v = parseJson(body);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new SfHttpError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of sObject from ${Array.isArray(v)
      ? 'START_ARRAY' : 'VALUE_STRING'} value ${JSON.stringify(v)?.slice(0, 40)} at [line:1, column:1]`);
  }
  return v as Record<string, unknown>;
}

export function errorBody(e: SfHttpError): unknown[] {
  return [e.fields ? { message: e.message, errorCode: e.errorCode, fields: e.fields } : { message: e.message,
    errorCode: e.errorCode }];
}

export const notFound = () => new SfHttpError(404, 'NOT_FOUND', 'The requested resource does not exist');

/** Path segments, decoded; broken percent-encoding names no resource, so it is a 404 rather than a crash (unconfirmed). */
export function pathSegments(path: string): string[] {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    throw notFound();
  }
}
