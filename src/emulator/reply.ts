/**
 * A response held until the handler finishes, so the server can still drop the connection "after processing but
 * before responding" (reset faults) and add the limit headers in one place.
 */
export class Reply {
  status = 0;
  headers: Record<string, string> = {};
  body: Buffer | string = '';

  get ready(): boolean {
    return this.status !== 0;
  }

  json(status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.status = status;
    this.body = body === undefined ? '' : JSON.stringify(body);
    this.headers = { ...this.headers, 'Content-Type': 'application/json;charset=UTF-8', ...headers };
  }

  text(status: number, body: string | Buffer, contentType: string, headers: Record<string, string> = {}): void {
    this.status = status;
    this.body = body;
    this.headers = { ...this.headers, 'Content-Type': contentType, ...headers };
  }

  empty(status: number, headers: Record<string, string> = {}): void {
    this.status = status;
    this.body = '';
    this.headers = { ...this.headers, ...headers };
    delete this.headers['Content-Type'];
  }

  redirect(location: string): void {
    this.empty(302, { Location: location });
  }

  header(name: string, value: string): void {
    this.headers[name] = value;
  }
}
