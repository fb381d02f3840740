/**
 * The rule for specs that need a server from outside the repository (Postgres, Redis, Chromium): when the server is
 * there they run; when it is absent they are pending with a one-line reason saying how to get it, except where the
 * environment demands them (CI, which provides every server), where an absent server is a failure.
 */

/** Why a server's specs cannot run here, and whether that is a failure rather than a reason to leave them pending. */
export interface ServerAbsence { reason: string; required: boolean }

type Env = Record<string, string | undefined>;

/**
 * The absence of a server, given the one-line reason it is missing: required when `CI` or one of `demandedBy` is set
 * to anything but '', '0' or 'false'.
 */
export function serverAbsence(reason: string, env: Env = process.env, demandedBy: readonly string[] = []): ServerAbsence {
  const set = ['CI', ...demandedBy].filter(name => ![undefined, '', '0', 'false'].includes(env[name]));
  return { reason: reason + (set.length ? ` (${set.join(' and ')} set: these specs must run)` : ''), required: set.length > 0 };
}

/** A server the specs find through an environment variable that a `.ci/with-…` script sets. */
export interface EnvServer {
  /** What the server is, as the reason names it ("Postgres"). */
  name: string;
  /** The variable holding its URL. */
  variable: string;
  /** The script that starts a throwaway server and sets the variable. */
  script: string;
}

/** Undefined when `server`'s variable is set. */
export function envServerAbsence(server: EnvServer, env: Env = process.env): ServerAbsence | undefined {
  if (env[server.variable]) return undefined;
  return serverAbsence(`no ${server.name} server: set ${server.variable} or run the spec through ${server.script}`, env);
}

/**
 * The server's URL. When it is absent, marks the running spec pending with the reason, or fails it when the server is
 * required. Call inside an `it` (or a `beforeEach`).
 */
export function envServerUrl(server: EnvServer): string {
  const absent = envServerAbsence(server);
  if (absent) skipOrFail(absent);
  return process.env[server.variable]!;
}

/** Pending with the reason, or a failure when the server is required; never returns. */
export function skipOrFail(absent: ServerAbsence): never {
  if (absent.required) throw new Error(absent.reason);
  pending(absent.reason);
  throw new Error('unreachable: pending() throws');
}

/**
 * For a suite needing a server throughout: when it is absent, the suite's `beforeAll` fails if the server is required
 * (set-up guarded by the returned check is skipped otherwise) and every spec is pending with the reason. Returns
 * whether the suite can run.
 */
export function suiteNeeds(absent: ServerAbsence | undefined): () => boolean {
  beforeAll(() => {
    if (absent?.required) throw new Error(absent.reason);
  });
  beforeEach(() => {
    if (absent && !absent.required) pending(absent.reason);
  });
  return () => absent === undefined;
}
