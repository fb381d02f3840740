import {
  AuthenticationError, BadGatewayError, ConflictError, EdgeRoutingUnavailableError, errorFromResponse, ExpiredSessionError,
  GatewayTimeoutError, HeadersTooLargeError, isSalesforceError, MalformedRequestError, MethodNotAllowedError, MultipleChoicesError,
  NetworkError, PreconditionFailedError, PreconditionRequiredError, RefusedRequestError, RequestLimitExceededError,
  ResourceNotFoundError, ResourceRemovedError, SalesforceApiError, ServerError, ServerUnavailableError, TooManyRequestsError,
  UnsupportedFormatError, UriTooLongError, ValidationError,
} from '../../src/client/errors.js';

const url = 'https://acme.my.salesforce.com/services/data/v62.0/sobjects/Account/001D000000IqhSLIAZ';

describe('errorFromResponse', () => {
  it('maps every status to its error class', () => {
    const table: Array<[number, typeof SalesforceApiError]> = [
      [300, MultipleChoicesError], [400, MalformedRequestError], [401, ExpiredSessionError], [403, RefusedRequestError],
      [404, ResourceNotFoundError], [405, MethodNotAllowedError], [409, ConflictError], [410, ResourceRemovedError],
      [412, PreconditionFailedError], [414, UriTooLongError], [415, UnsupportedFormatError], [420, EdgeRoutingUnavailableError],
      [428, PreconditionRequiredError], [429, TooManyRequestsError], [431, HeadersTooLargeError], [500, ServerError],
      [502, BadGatewayError], [503, ServerUnavailableError], [504, GatewayTimeoutError], [418, SalesforceApiError],
    ];
    for (const [status, Ctor] of table) {
      const err = errorFromResponse({ status, method: 'GET', url, data: [{ errorCode: 'X', message: 'm' }] });
      expect(err).withContext(String(status)).toBeInstanceOf(Ctor);
      expect(err).toBeInstanceOf(SalesforceApiError);
      expect((err as SalesforceApiError).status).toBe(status);
    }
  });

  it('reads the error array: code, message, fields, every entry, and an instance-relative url', () => {
    const err = errorFromResponse({
      status: 400, method: 'POST', url, data: [
        { message: 'Required fields are missing: [Name]', errorCode: 'REQUIRED_FIELD_MISSING', fields: ['Name'] },
        { message: 'Account ID: id value of incorrect type: 001900K0001pPuOAAU', errorCode: 'MALFORMED_ID', fields: ['Id'] },
      ],
    }) as SalesforceApiError;
    expect(err).toBeInstanceOf(MalformedRequestError);
    expect(err.errorCode).toBe('REQUIRED_FIELD_MISSING');
    expect(err.message).toBe('Required fields are missing: [Name]');
    expect(err.fields).toEqual(['Name']);
    expect(err.errors.map(e => e.errorCode)).toEqual(['REQUIRED_FIELD_MISSING', 'MALFORMED_ID']);
    expect(err.method).toBe('POST');
    expect(err.url).toBe('/services/data/v62.0/sobjects/Account/001D000000IqhSLIAZ');
    expect(String(err)).toBe('MalformedRequestError: REQUIRED_FIELD_MISSING: Required fields are missing: [Name] ' +
      '(POST /services/data/v62.0/sobjects/Account/001D000000IqhSLIAZ → 400)');
    expect(isSalesforceError(err)).toBeTrue();
    expect(isSalesforceError(err, 'MALFORMED_ID')).toBeTrue();
    expect(isSalesforceError(err, 'NOT_FOUND')).toBeFalse();
    expect(isSalesforceError(new Error('x'))).toBeFalse();
  });

  it('reads the 300 body of an external id that matches several records: the URLs, the ids, a message naming them', () => {
    const urls = ['/services/data/v62.0/sobjects/Contact/003D000000IqhSLIAZ', '/services/data/v62.0/sobjects/Contact/003D000000IqhSMIAZ'];
    const err = errorFromResponse({ status: 300, method: 'PATCH', url, data: urls }) as MultipleChoicesError;
    expect(err).toBeInstanceOf(MultipleChoicesError);
    expect(err.urls).toEqual(urls);
    expect(err.ids).toEqual(['003D000000IqhSLIAZ', '003D000000IqhSMIAZ']);
    expect(err.errorCode).toBe('MULTIPLE_CHOICES');
    expect(err.message).toBe('The external id matches 2 records: 003D000000IqhSLIAZ, 003D000000IqhSMIAZ');
  });

  it('parses an error array that arrives as text or bytes', () => {
    const text = JSON.stringify([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const fromText = errorFromResponse({ status: 404, method: 'GET', url, data: text }) as SalesforceApiError;
    const fromBytes = errorFromResponse({ status: 404, method: 'GET', url, data: new TextEncoder().encode(text) }) as SalesforceApiError;
    expect(fromText.errorCode).toBe('NOT_FOUND');
    expect(fromBytes.errorCode).toBe('NOT_FOUND');
  });

  it('turns an OAuth error object into an AuthenticationError', () => {
    const err = errorFromResponse({ status: 400, method: 'POST', url: 'https://login.salesforce.com/services/oauth2/token',
      data: { error: 'invalid_grant', error_description: 'authentication failure' } });
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).error).toBe('invalid_grant');
    expect((err as AuthenticationError).errorDescription).toBe('authentication failure');
    expect(err.message).toContain('/services/oauth2/token');
  });

  it('turns an INVALID_LOGIN SOAP fault into an AuthenticationError and other faults into API errors', () => {
    const fault = (code: string, msg: string, detail = '') => '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope ' +
      'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body>' +
      `<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${msg}</faultstring>${detail}</soapenv:Fault></soapenv:Body></soapenv:Envelope>`;
    const login = errorFromResponse({ status: 500, method: 'POST', url: 'https://login.salesforce.com/services/Soap/u/62.0',
      data: fault('INVALID_LOGIN', 'INVALID_LOGIN: Invalid username, password, security token; or user locked out.',
        '<detail><sf:LoginFault xsi:type="sf:LoginFault"><sf:exceptionCode>INVALID_LOGIN</sf:exceptionCode>' +
        '<sf:exceptionMessage>Invalid username, password, security token; or user locked out.</sf:exceptionMessage></sf:LoginFault></detail>') });
    expect(login).toBeInstanceOf(AuthenticationError);
    expect((login as AuthenticationError).error).toBe('INVALID_LOGIN');
    expect((login as AuthenticationError).errorDescription).toBe('Invalid username, password, security token; or user locked out.');

    const other = errorFromResponse({ status: 500, method: 'POST', url, data: fault('UNKNOWN_EXCEPTION', 'boom &amp; bust') });
    expect(other).toBeInstanceOf(ServerError);
    expect((other as SalesforceApiError).errorCode).toBe('UNKNOWN_EXCEPTION');
    expect(other.message).toBe('boom & bust');
  });

  it('reads text/html bodies of 420 and 503 as a short message', () => {
    const html = '<html><head><title>Maintenance</title><style>p{}</style></head><body><h1>Service Unavailable</h1>' +
      '<p>The server is temporarily unable to service your request.</p></body></html>';
    const err = errorFromResponse({ status: 503, method: 'GET', url, headers: { 'content-type': 'text/html' }, data: html }) as SalesforceApiError;
    expect(err).toBeInstanceOf(ServerUnavailableError);
    expect(err.errorCode).toBe('SERVER_UNAVAILABLE');
    expect(err.message).toBe('Service Unavailable The server is temporarily unable to service your request.');
    const edge = errorFromResponse({ status: 420, method: 'GET', url, data: '<html><body>Edge routing unavailable</body></html>' }) as SalesforceApiError;
    expect(edge).toBeInstanceOf(EdgeRoutingUnavailableError);
    expect(edge.errorCode).toBe('EDGE_ROUTING_UNAVAILABLE');
  });

  it('gives an empty body a status-based code and message', () => {
    const err = errorFromResponse({ status: 502, method: 'GET', url, data: '' }) as SalesforceApiError;
    expect(err.errorCode).toBe('BAD_GATEWAY');
    expect(err.message).toBe('Bad Gateway');
  });

  it('tells the concurrent-request flavour of REQUEST_LIMIT_EXCEEDED from the daily one', () => {
    const concurrent = errorFromResponse({ status: 403, method: 'GET', url,
      data: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'ConcurrentPerOrgLongTxn Limit exceeded.' }] }) as RequestLimitExceededError;
    const daily = errorFromResponse({ status: 403, method: 'GET', url,
      data: [{ errorCode: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' }] }) as RequestLimitExceededError;
    expect(concurrent).toBeInstanceOf(RequestLimitExceededError);
    expect(concurrent.concurrent).toBeTrue();
    expect(daily.concurrent).toBeFalse();
    expect(daily.message).toMatch(/daily API request allowance/);
    const refused = errorFromResponse({ status: 403, method: 'GET', url, data: [{ errorCode: 'API_DISABLED_FOR_ORG', message: 'API is not enabled' }] });
    expect(refused).toBeInstanceOf(RefusedRequestError);
    expect(refused).not.toBeInstanceOf(RequestLimitExceededError);
  });

  it('keeps headers but drops cookies', () => {
    const err = errorFromResponse({ status: 503, method: 'GET', url, data: '', headers: { 'retry-after': '5', 'set-cookie': 'sid=abc' } }) as SalesforceApiError;
    expect(err.headers['retry-after']).toBe('5');
    expect(err.headers['set-cookie']).toBeUndefined();
  });
});

describe('other errors', () => {
  it('NetworkError knows whether the request provably never left', () => {
    expect(new NetworkError({ code: 'ECONNREFUSED', message: 'connect', method: 'POST', url }).sent).toBeFalse();
    expect(new NetworkError({ code: 'ECONNRESET', message: 'socket hang up', method: 'POST', url }).sent).toBeTrue();
    expect(new NetworkError({ code: 'ETIMEDOUT', message: 't', method: 'GET', url }).url).toBe('/services/data/v62.0/sobjects/Account/001D000000IqhSLIAZ');
  });

  it('ValidationError names the sobject, record and field', () => {
    const e = new ValidationError({ sobject: 'Account', recordIndex: 3, field: 'Name', reason: 'is required' });
    expect(e.message).toBe('Account, record 3, field Name: is required');
    expect(e.reason).toBe('is required');
    expect(e.recordIndex).toBe(3);
  });
});
