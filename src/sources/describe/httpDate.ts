/** An `If-Modified-Since` value: the HTTP-date form Salesforce expects (`Tue, 10 Aug 2021 08:00:00 GMT`). */
export function httpDate(value: Date | string): string {
  return (typeof value === 'string' ? new Date(value) : value).toUTCString();
}
