/**
 * The HttpClient transport under Angular's HttpTestingController: the app's interceptor sees every request (logins
 * too), answers and failures come out as the axios transport gives them, so the client's retries and single-flight
 * refresh work unchanged, and unsubscribing cancels the request.
 */
import '@angular/compiler';
import {
  HttpClient, HttpContext, HttpContextToken, type HttpInterceptorFn, type HttpRequest, provideHttpClient, withInterceptors,
} from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, type TestRequest } from '@angular/common/http/testing';
import type { EnvironmentInjector } from '@angular/core';
import { firstValueFrom, lastValueFrom, throwError, VirtualAction, VirtualTimeScheduler } from 'rxjs';
import { refreshTokenLogin } from '../../src/client/auth/index.js';
import { SalesforceClient } from '../../src/client/client.js';
import {
  AuthenticationError, ExpiredSessionError, NetworkError, ResourceNotFoundError, ServerUnavailableError,
} from '../../src/client/errors.js';
import type { SalesforceClientOptions, SfResponse } from '../../src/client/types.js';
import { httpClientTransport, RXFORCE_REQUEST } from '../../src/angular/index.js';
import { environmentInjector, settle } from './support/injector.js';

const INSTANCE = 'https://acme.my.salesforce.com';
const DATA = `${INSTANCE}/services/data/v62.0`;
const TOKEN_URL = 'https://login.salesforce.com/services/oauth2/token';
const ACME = '001000000000001AAA';
const token = (n: number) => `00D000000000001!AQ0AQtoken${n}`;
const json = { 'Content-Type': 'application/json;charset=UTF-8' };
const APP_TAG = new HttpContextToken<string>(() => '');

/**
 * A request that got no answer, as HttpClient's fetch backend reports it (the error is the DOMException or TypeError
 * fetch rejected with; TestRequest's type names the XHR backend's ProgressEvent, which Node lacks).
 */
/** Virtual time for the retry backoff only: flush() stops short of the client's request timeouts (120 s). */
const backoffClock = () => new VirtualTimeScheduler(VirtualAction, 5_000);

const wireFailure = (name: string, message: string) => new DOMException(message, name) as unknown as ProgressEvent;

describe('httpClientTransport (HttpTestingController)', () => {
  let injector: EnvironmentInjector;
  let backend: HttpTestingController;
  let seen: Array<HttpRequest<unknown>>;

  /** The app's interceptor: records what passes and stamps a header, as a tracing interceptor would. */
  const tracing: HttpInterceptorFn = (req, next) => {
    seen.push(req);
    return next(req.clone({ setHeaders: { 'X-Trace': `t${seen.length}` } }));
  };

  beforeEach(() => {
    seen = [];
    injector = environmentInjector([provideHttpClient(withInterceptors([tracing])), provideHttpClientTesting()]);
    backend = injector.get(HttpTestingController);
  });
  afterEach(() => {
    backend.verify(); // no request left unanswered or unexpected
    injector.destroy();
  });

  function client(options: SalesforceClientOptions = {}): SalesforceClient {
    return new SalesforceClient({
      apiVersion: '62.0', login: { accessToken: token(1), instanceUrl: INSTANCE }, retry: false,
      transport: httpClientTransport(injector.get(HttpClient)), ...options,
    });
  }

  async function expectOne(url: string): Promise<TestRequest> {
    await settle();
    return backend.expectOne(url);
  }

  it('sends through the app\'s interceptors, marked RXFORCE_REQUEST, and maps the answer as the axios transport does', async () => {
    const c = client();
    const got = firstValueFrom(c.request$({ method: 'GET', path: `sobjects/Account/${ACME}`, params: { fields: 'Id,Name' } }));
    const req = await expectOne(`${DATA}/sobjects/Account/${ACME}?fields=Id%2CName`);
    expect(seen.length).toBe(1);
    expect(req.request.headers.get('X-Trace')).toBe('t1');
    expect(req.request.headers.get('Authorization')).toBe(`Bearer ${token(1)}`);
    expect(req.request.context.get(RXFORCE_REQUEST)).toBeTrue();
    expect(req.request.withCredentials).toBeFalse();
    req.flush(JSON.stringify({ Id: ACME, Name: 'Acme' }), { headers: { ...json, 'Sforce-Limit-Info': 'api-usage=18/15000' } });
    const res = await got;
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ Id: ACME, Name: 'Acme' });
    expect(res.url).toBe(`/services/data/v62.0/sobjects/Account/${ACME}?fields=Id%2CName`);
    expect(res.headers['content-type']).toBe('application/json;charset=UTF-8');
    expect(c.apiUsage).toEqual({ used: 18, max: 15000 });
  });

  it('keeps the app\'s own HttpContext tokens and leaves other HttpClient requests unmarked', async () => {
    const http = injector.get(HttpClient);
    const c = new SalesforceClient({
      apiVersion: '62.0', login: { accessToken: token(1), instanceUrl: INSTANCE },
      transport: httpClientTransport(http, { context: new HttpContext().set(APP_TAG, 'crm') }),
    });
    const got = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    const own = firstValueFrom(http.get('/api/me'));
    const sf = await expectOne(`${DATA}/limits`);
    const app = backend.expectOne('/api/me');
    expect(sf.request.context.get(APP_TAG)).toBe('crm');
    expect(sf.request.context.get(RXFORCE_REQUEST)).toBeTrue();
    expect(app.request.context.get(RXFORCE_REQUEST)).toBeFalse();
    sf.flush('{}', { headers: json });
    app.flush({ me: 1 });
    await Promise.all([got, own]);
  });

  it('turns a Salesforce error answer into the typed error, with its code, status and headers', async () => {
    const c = client();
    const got = firstValueFrom(c.request$({ method: 'GET', path: `sobjects/Account/${ACME}` }));
    (await expectOne(`${DATA}/sobjects/Account/${ACME}`)).flush(
      JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]),
      { status: 404, statusText: 'Not Found', headers: { ...json, 'Sforce-Limit-Info': 'api-usage=19/15000' } });
    const err = await got.then(() => undefined, (e: unknown) => e) as ResourceNotFoundError;
    expect(err).toBeInstanceOf(ResourceNotFoundError);
    expect(err.errorCode).toBe('NOT_FOUND');
    expect(err.status).toBe(404);
    expect(err.url).toBe(`/services/data/v62.0/sobjects/Account/${ACME}`);
    expect(err.headers['sforce-limit-info']).toBe('api-usage=19/15000');
    expect(c.apiUsage?.used).toBe(19);

    // a maintenance page is HTML, not JSON: its text is the message, no parse error
    const down = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(`${DATA}/limits`)).flush('<html><body><h1>Down for maintenance</h1></body></html>',
      { status: 503, statusText: 'Service Unavailable', headers: { 'Content-Type': 'text/html' } });
    await expectAsync(down).toBeRejectedWithError(ServerUnavailableError, 'Down for maintenance');
  });

  it('retries a GET after a 503 through the interceptors, with the backoff on the client\'s scheduler', async () => {
    const scheduler = backoffClock();
    const c = client({ retry: { maxAttempts: 3 }, scheduler });
    const got = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(`${DATA}/limits`)).flush('Service Unavailable', { status: 503, statusText: 'Service Unavailable' });
    await settle();
    backend.expectNone(`${DATA}/limits`); // waiting out the backoff
    scheduler.flush();
    const second = await expectOne(`${DATA}/limits`);
    expect(second.request.headers.get('X-Trace')).toBe('t2');
    second.flush('{"DailyApiRequests":{"Max":15000,"Remaining":14000}}', { headers: json });
    const res = await got;
    expect(res.data).toEqual({ DailyApiRequests: { Max: 15000, Remaining: 14000 } });
    expect(res.retriedAfter?.length).toBe(1);
    expect(res.retriedAfter?.[0]).toBeInstanceOf(ServerUnavailableError);
  });

  it('retries a GET whose connection failed, but never re-sends a POST that may have reached the org', async () => {
    const scheduler = backoffClock();
    const c = client({ retry: { maxAttempts: 3 }, scheduler });
    const read = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(`${DATA}/limits`)).error(wireFailure('NetworkError', 'connection reset'));
    await settle();
    scheduler.flush();
    (await expectOne(`${DATA}/limits`)).flush('{}', { headers: json });
    expect((await read).retriedAfter?.[0]).toBeInstanceOf(NetworkError);

    const insert = firstValueFrom(c.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'Acme' } }));
    (await expectOne(`${DATA}/sobjects/Account`)).error(wireFailure('NetworkError', 'connection reset'));
    const err = await insert.then(() => undefined, (e: unknown) => e) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('ERR_NETWORK');
    expect(err.sent).toBeTrue();
    expect(err.message).toContain('connection reset');
    await settle();
    scheduler.flush();
    backend.expectNone(`${DATA}/sobjects/Account`);
  });

  it('logs in and refreshes an expired session through HttpClient: one token POST, then the request re-sent once', async () => {
    const sessions: string[] = [];
    const c = client({ login: refreshTokenLogin({ refreshToken: '5Aep861refresh.token.value', consumerKey: 'app-key' }),
      onTokenRefresh: s => sessions.push(s.accessToken) });
    const got = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));

    const login = await expectOne(TOKEN_URL);
    expect(login.request.method).toBe('POST');
    expect(new URLSearchParams(login.request.body as string).get('grant_type')).toBe('refresh_token');
    expect(login.request.headers.get('X-Trace')).toBe('t1'); // the app's interceptor sees the login too
    login.flush(JSON.stringify({ access_token: token(1), instance_url: INSTANCE, token_type: 'Bearer' }), { headers: json });

    const first = await expectOne(`${DATA}/limits`);
    expect(first.request.headers.get('Authorization')).toBe(`Bearer ${token(1)}`);
    first.flush(JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]),
      { status: 401, statusText: 'Unauthorized', headers: json });

    (await expectOne(TOKEN_URL)).flush(JSON.stringify({ access_token: token(2), instance_url: INSTANCE }), { headers: json });
    const resent = await expectOne(`${DATA}/limits`);
    expect(resent.request.headers.get('Authorization')).toBe(`Bearer ${token(2)}`);
    resent.flush('{}', { headers: json });

    expect((await got).status).toBe(200);
    expect(sessions).toEqual([token(1), token(2)]);
    expect(seen.map(r => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /services/oauth2/token', 'GET /services/data/v62.0/limits', 'POST /services/oauth2/token', 'GET /services/data/v62.0/limits']);
  });

  it('reports a refused login as AuthenticationError, and a request during the login backoff meets it without a new login', async () => {
    const c = client({ login: refreshTokenLogin({ refreshToken: '5Aep861refresh.token.value', consumerKey: 'app-key' }) });
    const got = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(TOKEN_URL)).flush(JSON.stringify({ error: 'invalid_grant', error_description: 'expired access/refresh token' }),
      { status: 400, statusText: 'Bad Request', headers: json });
    await expectAsync(got).toBeRejectedWithError(AuthenticationError, /invalid_grant: expired access\/refresh token/);
    const again = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    await expectAsync(again).toBeRejectedWithError(AuthenticationError, /invalid_grant/);
    backend.expectNone(TOKEN_URL);
  });

  it('gives up with ExpiredSessionError when the refreshed token is refused too, without looping', async () => {
    const c = client({ login: refreshTokenLogin({ refreshToken: '5Aep861refresh.token.value', consumerKey: 'app-key' }) });
    const got = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(TOKEN_URL)).flush(JSON.stringify({ access_token: token(3), instance_url: INSTANCE }), { headers: json });
    const expired = JSON.stringify([{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    (await expectOne(`${DATA}/limits`)).flush(expired, { status: 401, statusText: 'Unauthorized', headers: json });
    (await expectOne(TOKEN_URL)).flush(JSON.stringify({ access_token: token(4), instance_url: INSTANCE }), { headers: json });
    (await expectOne(`${DATA}/limits`)).flush(expired, { status: 401, statusText: 'Unauthorized', headers: json });
    await expectAsync(got).toBeRejectedWithError(ExpiredSessionError);
    await settle();
    backend.expectNone(TOKEN_URL);
  });

  it('cancels the HTTP request when the subscriber unsubscribes', async () => {
    const c = client();
    const sub = c.request$({ method: 'GET', path: 'limits' }).subscribe();
    const req = await expectOne(`${DATA}/limits`);
    expect(req.cancelled).toBeFalse();
    sub.unsubscribe();
    expect(req.cancelled).toBeTrue();
  });

  it('sends JSON, bytes and streamed bodies as HttpClient bodies; a streamed body, read whole, is never sent twice', async () => {
    const scheduler = backoffClock();
    const c = client({ retry: { maxAttempts: 2 }, scheduler });
    const created = firstValueFrom(c.request$({ method: 'POST', path: 'sobjects/Account', data: { Name: 'Acme' } }));
    const post = await expectOne(`${DATA}/sobjects/Account`);
    expect(post.request.serializeBody()).toBe('{"Name":"Acme"}');
    expect(post.request.detectContentTypeHeader()).toBe('application/json');
    post.flush(JSON.stringify({ id: ACME, success: true, errors: [] }), { status: 201, statusText: 'Created', headers: json });
    expect((await created).data).toEqual({ id: ACME, success: true, errors: [] });

    const all = Uint8Array.from([9, 1, 2, 3, 9]);
    const put = firstValueFrom(c.request$({ method: 'PUT', url: '/services/data/v62.0/x', data: all.subarray(1, 4) }));
    const bytes = await expectOne(`${DATA}/x`);
    expect(bytes.request.body).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bytes.request.body as ArrayBuffer)]).toEqual([1, 2, 3]);
    bytes.flush('', { status: 204, statusText: 'No Content' });
    expect((await put).data).toBeUndefined();

    async function* csv() { yield 'Name\n'; yield new TextEncoder().encode('Acme\n'); }
    const upload = firstValueFrom(c.request$({ method: 'PUT', url: '/services/data/v62.0/jobs/ingest/750/batches', data: csv(),
      headers: { 'Content-Type': 'text/csv' }, responseType: 'text' }));
    const first = await expectOne(`${DATA}/jobs/ingest/750/batches`);
    expect(new TextDecoder().decode(first.request.body as ArrayBuffer)).toBe('Name\nAcme\n');
    expect(first.request.headers.get('Content-Type')).toBe('text/csv');
    first.flush('busy', { status: 503, statusText: 'Service Unavailable' });
    // a body read once is not retried, though retries are on: the caller re-sends with a fresh body
    expect(await upload.then(() => undefined, (e: unknown) => e)).toBeInstanceOf(ServerUnavailableError);
    await settle();
    scheduler.flush();
    await settle();
    backend.expectNone(`${DATA}/jobs/ingest/750/batches`);
  });

  it('reads text, bytes and stream bodies as the axios transport gives them, and 304 as an answer', async () => {
    const c = client();
    const text = firstValueFrom(c.request$({ method: 'GET', url: '/services/data/v62.0/jobs/query/750/results', responseType: 'text' }));
    const t = await expectOne(`${DATA}/jobs/query/750/results`);
    expect(t.request.responseType).toBe('text');
    t.flush('"Id","Name"\n"001","Acme"\n', { headers: { 'Content-Type': 'text/csv', 'Sforce-Locator': 'null' } });
    expect((await text).data).toBe('"Id","Name"\n"001","Acme"\n');
    expect((await text).headers['sforce-locator']).toBe('null');

    const payload = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    const bin = firstValueFrom(c.request$({ method: 'GET', url: '/services/data/v62.0/sobjects/ContentVersion/068/VersionData', responseType: 'arraybuffer' }));
    const b = await expectOne(`${DATA}/sobjects/ContentVersion/068/VersionData`);
    expect(b.request.responseType).toBe('arraybuffer');
    b.flush(payload.slice().buffer, { headers: { 'Content-Type': 'application/octet-stream' } });
    expect([...new Uint8Array((await bin).data as ArrayBuffer)]).toEqual([...payload]);

    const streamed = firstValueFrom(c.request$({ method: 'GET', url: '/services/data/v62.0/sobjects/ContentVersion/068/VersionData', responseType: 'stream' }));
    (await expectOne(`${DATA}/sobjects/ContentVersion/068/VersionData`)).flush(payload.slice().buffer);
    const body = (await streamed).data as ReadableStream<Uint8Array>;
    const chunks: number[] = [];
    const reader = body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(...next.value);
    expect(chunks).toEqual([...payload]);

    const notModified = firstValueFrom(c.request$({ method: 'GET', path: 'sobjects/Account/describe', headers: { 'If-Modified-Since': 'Tue, 01 Jul 2025 00:00:00 GMT' } }));
    (await expectOne(`${DATA}/sobjects/Account/describe`)).flush('', { status: 304, statusText: 'Not Modified' });
    const res: SfResponse<unknown> = await notModified;
    expect(res.status).toBe(304);
    expect(res.data).toBeUndefined();
  });

  it('maps a timeout to NetworkError ETIMEDOUT, and lets an interceptor\'s own error through unchanged', async () => {
    const c = client();
    const slow = firstValueFrom(c.request$({ method: 'GET', path: 'limits' }));
    (await expectOne(`${DATA}/limits`)).error(wireFailure('TimeoutError', 'signal timed out'));
    const err = await slow.then(() => undefined, (e: unknown) => e) as NetworkError;
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.code).toBe('ETIMEDOUT');
    expect(String(err)).not.toContain(token(1));

    const offline = new Error('The app is offline');
    const guarded = environmentInjector([provideHttpClient(withInterceptors([() => throwError(() => offline)])), provideHttpClientTesting()]);
    try {
      const g = client({ transport: httpClientTransport(guarded.get(HttpClient)) });
      await expectAsync(lastValueFrom(g.request$({ method: 'GET', path: 'limits' }))).toBeRejectedWith(offline);
    } finally {
      guarded.destroy();
    }
  });

  it('refuses something that is not an HttpClient', () => {
    expect(() => httpClientTransport(undefined as never)).toThrowError(TypeError, /needs an HttpClient/);
  });
});
