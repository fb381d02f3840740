/**
 * A response held until the handler finishes, so the server can still drop the connection "after processing but
 * before responding" (reset faults) and add the limit headers in one place.
 */
import type { Readable } from 'node:stream';

export class Reply {
  status = 0;
  headers: Record<string, string> = {};
  /** A Readable is piped to the socket with backpressure (big result files), and destroyed if never sent. */
  body: Buffer | string | Readable = '';

  get ready(): boolean {
    return this.status !== 0;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.dropStream();
    this.status = status;
    this.body = body === undefined ? '' : JSON.stringify(body);
    this.headers = { ...this.headers, 'Content-Type': 'application/json;charset=UTF-8', ...headers };
  }

  text(status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
    this.dropStream();
    this.status = status;
    this.body = body;
    this.headers = { ...this.headers, 'Content-Type': contentType, ...headers };
  }

  /** A streamed body; pass Content-Length in headers when it is known. */
  stream(status: number, body: Readable, contentType: string, headers: Record<string, string> = {}): void {
    this.dropStream();
    this.status = status;
    this.body = body;
    this.headers = { ...this.headers, 'Content-Type': contentType, ...headers };
  }

  empty(status: number, headers: Record<string, string> = {}): void {
    this.dropStream();
    this.status = status;
    this.body = '';
    this.headers = { ...this.headers, ...headers };
    delete this.headers['Content-Type'];
  }

  redirect(location: string): void {
    this.empty(302, { Location: location });
  }

  /** A streamed body replaced by another answer (an error after the route) is destroyed, releasing what it held. */
  private dropStream(): void {
    const body = this.body;
    if (typeof body === 'object' && !Buffer.isBuffer(body)) body.destroy();
  }

  header(name: string, value: string): void {
    this.headers[name] = value;
  }
}
