import { CliError } from '../../src/cli/errors.js';
import { parseMirrorTarget, parseSyncArgs, shownTarget } from '../../src/cli/syncArgs.js';

describe('rxforce sync arguments', () => {
  const cwd = '/home/me/work';
  const usage = (fn: () => unknown, message: RegExp) => {
    let thrown: unknown;
    try { fn(); } catch (e) { thrown = e; }
    expect(thrown).toEqual(jasmine.any(CliError));
    expect((thrown as CliError).exitCode).toBe(2);
    expect((thrown as CliError).message).toMatch(message);
  };

  it('reads an SQLite path (relative to the working directory) or a Postgres URL', () => {
    expect(parseMirrorTarget('sqlite:mirror.db', cwd)).toEqual({ kind: 'sqlite', path: '/home/me/work/mirror.db' });
    expect(parseMirrorTarget('sqlite:/var/lib/m.db', cwd)).toEqual({ kind: 'sqlite', path: '/var/lib/m.db' });
    expect(parseMirrorTarget('sqlite:///var/lib/m.db', cwd)).toEqual({ kind: 'sqlite', path: '/var/lib/m.db' });
    expect(parseMirrorTarget('postgres://sync:pw@db.example.com:5432/mirror', cwd))
      .toEqual({ kind: 'postgres', url: 'postgres://sync:pw@db.example.com:5432/mirror' });
    expect(parseMirrorTarget('postgresql://localhost/mirror', cwd).kind).toBe('postgres');
  });

  it('never shows a Postgres password', () => {
    expect(shownTarget({ kind: 'postgres', url: 'postgres://sync:s3cret@db:5432/m' })).toBe('postgres://sync:***@db:5432/m');
    usage(() => parseMirrorTarget('mysql://root:s3cret@db/m', cwd), /^--to must be sqlite:PATH or postgres:\/\/…, got "mysql:\/\/root:\*\*\*@db\/m"$/);
  });

  it('refuses a missing or unusable --to', () => {
    usage(() => parseMirrorTarget(undefined, cwd), /sync needs --to sqlite:PATH or --to postgres:/);
    usage(() => parseMirrorTarget('sqlite:', cwd), /needs a file path/);
    usage(() => parseMirrorTarget('mirror.db', cwd), /--to must be sqlite:PATH or postgres/);
  });

  it('fills in the defaults: every field, a round a minute, deletes removed', () => {
    expect(parseSyncArgs(['Account', 'Contact'], { to: 'sqlite:m.db' }, cwd)).toEqual({
      objects: ['Account', 'Contact'], target: { kind: 'sqlite', path: '/home/me/work/m.db' }, intervalSeconds: 60,
      once: false, fields: undefined, keepDeleted: false });
  });

  it('takes --interval, --once, --fields and --keep-deleted', () => {
    expect(parseSyncArgs(['Account'], { to: 'sqlite:m.db', interval: '2.5', fields: 'Name, Industry', keepDeleted: true }, cwd))
      .toEqual(jasmine.objectContaining({ intervalSeconds: 2.5, fields: ['Id', 'Name', 'Industry'], keepDeleted: true, once: false }));
    expect(parseSyncArgs(['My_Object__c'], { to: 'sqlite:m.db', once: true, fields: 'id,Name' }, cwd))
      .toEqual(jasmine.objectContaining({ objects: ['My_Object__c'], once: true, fields: ['id', 'Name'] }));
  });

  it('refuses bad objects, fields and intervals before any request, naming them', () => {
    usage(() => parseSyncArgs([], { to: 'sqlite:m.db' }, cwd), /at least one object/);
    usage(() => parseSyncArgs(['Account', 'account'], { to: 'sqlite:m.db' }, cwd), /^object account is named twice$/);
    usage(() => parseSyncArgs(['Account; DROP TABLE x'], { to: 'sqlite:m.db' }, cwd), /object "Account; DROP TABLE x" is not an API name/);
    usage(() => parseSyncArgs(['Account'], { to: 'sqlite:m.db', fields: 'Name,Bad-Field' }, cwd), /field "Bad-Field" is not an API name/);
    usage(() => parseSyncArgs(['Account'], { to: 'sqlite:m.db', fields: ' , ' }, cwd), /--fields needs field API names/);
    for (const interval of ['0', '-5', 'often', '1e3', '86401']) {
      usage(() => parseSyncArgs(['Account'], { to: 'sqlite:m.db', interval }, cwd), /^--interval must be a number of seconds/);
    }
    usage(() => parseSyncArgs(['Account'], { to: 'sqlite:m.db', interval: '5', once: true }, cwd), /--once and --interval exclude each other/);
  });
});
