import { AuthenticationError, NetworkError, SalesforceApiError, ValidationError } from '../client/errors.js';
import { redact } from '../util/redact.js';
import { BulkJobFailedError } from '../sources/bulk/errors.js';
import { FileFormatError } from '../node/files.js';

/** Exit codes: 0 all good, 1 some rows failed or the org refused, 2 usage or input errors. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** An error the command reports as one line, with the exit code it calls for. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode: number = EXIT.usage) {
    super(message);
  }
}

/** Salesforce's SOQL errors point at the column with `^` under the query: their lines must stay as they are. */
const pointsAtColumn = (message: string) => /\n\s*\^\s*\n/.test(message);

/** A closed pipe (`rxforce … | head`): not an error, the reader has what it wanted. */
export function isClosedPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'EPIPE';
}

/** One line for stderr (a SOQL error keeps Salesforce's lines) — never a stack trace, never a token. */
export function describeError(err: unknown): { line: string; exitCode: number } {
  const e = err as Error;
  let line: string;
  let exitCode: number = EXIT.failed;
  if (err instanceof SalesforceApiError && pointsAtColumn(err.message)) {
    const message = err.message.replace(/\s+$/, '');
    return { line: `rxforce: ${redact(`${err.errorCode}:${message.startsWith('\n') ? '' : '\n'}${message}`)}`, exitCode };
  }
  if (err instanceof CliError) {
    line = err.message;
    exitCode = err.exitCode;
  } else if (err instanceof ValidationError || err instanceof FileFormatError) {
    line = err.message;
    exitCode = EXIT.usage;
  } else if (err instanceof AuthenticationError) {
    line = `login failed: ${err.message}`;
  } else if (err instanceof SalesforceApiError) {
    line = `${err.errorCode}: ${err.message.replace(/\s*\n\s*/g, ' ')}`;
  } else if (err instanceof BulkJobFailedError || err instanceof NetworkError) {
    line = err.message;
  } else if (e && typeof e.message === 'string') {
    line = e.message;
  } else {
    line = String(err);
  }
  return { line: `rxforce: ${redact(line.split('\n').map(s => s.trim()).filter(Boolean).join(' '))}`, exitCode };
}
