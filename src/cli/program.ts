/** The `rxforce` command: commander wiring; `run(argv, io)` resolves with the exit code and never throws. */
import { PassThrough } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseEmulatorArgs, runEmulatorCli } from '../emulator/main.js';
import { runDemo } from './demo.js';
import { CliError, describeError, EXIT, isClosedPipe } from './errors.js';
import { runDescribe, runGenerate, runLimits } from './inspect.js';
import { note, type CliIo } from './io.js';
import { runJobAbort, runJobResults, runJobStatus } from './job.js';
import { LOAD_OPERATIONS, runLoad, type LoadSummary } from './load.js';
import type { LoadOperation } from './loadColumns.js';
import { OUTPUT_FORMATS, runQuery, type OutputFormat } from './query.js';
import { loadSeed } from './seed.js';
import { addSyncCommand } from './sync.js';
import { emulatorClient, openTarget, type Target, type TargetFlags } from './target.js';

const positiveInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1`);
  return n;
};

const nonNegativeInt = (name: string) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`);
  return n;
};

/** An API version as Salesforce writes it (`62.0`); anything else is a usage error naming where it came from. */
const apiVersionArg = (name: string) => (v: string): string => {
  if (!/^\d{2,3}\.0$/.test(v.trim())) throw new InvalidArgumentError(`${name} must look like 62.0`);
  return v.trim();
};

/** A pinned API version the org does not serve is named, with the versions it does serve. */
async function checkApiVersion(target: Target, version: string, source: string): Promise<void> {
  const session = await target.client.session();
  const listing = (await target.client.request<{ version: string }[]>({ method: 'GET', url: `${session.instanceUrl}/services/data/` })).data;
  const versions = (Array.isArray(listing) ? listing : []).map(v => v.version).sort((a, b) => Number(a) - Number(b));
  if (versions.length === 0 || versions.includes(version)) return;
  const contiguous = versions.every((v, i) => i === 0 || Number(v) === Number(versions[i - 1]) + 1);
  const has = contiguous && versions.length > 2 ? `${versions[0]} to ${versions.at(-1)}` : versions.join(', ');
  throw new CliError(`${source} ${version}: the org has no API version ${version}; it has ${has}`);
}

/** Connection flags, on every command that talks to an org. */
function withTarget(cmd: Command): Command {
  return cmd
    .option('--emulator', 'use an embedded emulator seeded with the demo org')
    .option('--target-org <alias>', 'an org the sf CLI knows (sf org display)')
    .option('--login-url <url>', 'login URL (env SF_LOGIN_URL; default https://login.salesforce.com)')
    .option('--username <name>', 'username (env SF_USERNAME)')
    .option('--password <password>', 'password (env SF_PASSWORD)')
    .option('--security-token <token>', 'security token appended to the password (env SF_SECURITY_TOKEN)')
    .option('--client-id <key>', 'connected app consumer key (env SF_CLIENT_ID)')
    .option('--client-secret <secret>', 'connected app consumer secret (env SF_CLIENT_SECRET)')
    .option('--instance-url <url>', 'instance URL for an access token (env SF_INSTANCE_URL)')
    .option('--access-token <token>', 'an existing access token (env SF_ACCESS_TOKEN)')
    .option('--api-version <v>', 'pin the API version, e.g. 62.0 (env SF_API_VERSION)', apiVersionArg('--api-version'));
}

function apiVersionCheck(name: string, value: string): void {
  try {
    apiVersionArg(name)(value);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Opens the org, runs `fn`, and always closes what was opened. An embedded emulator gets the demo seed first. */
async function withOrg<T>(flags: TargetFlags, io: CliIo, fn: (t: Target) => Promise<T>): Promise<T> {
  const fromEnv = flags.apiVersion === undefined && io.env.SF_API_VERSION !== undefined;
  if (fromEnv) apiVersionCheck('SF_API_VERSION', io.env.SF_API_VERSION!);
  const target = await openTarget(flags, io);
  try {
    const version = flags.apiVersion ?? io.env.SF_API_VERSION;
    if (version) await checkApiVersion(target, version.trim(), fromEnv ? 'SF_API_VERSION' : '--api-version');
    // the demo org's seed loads quietly: what the user asked for is the only output
    if (target.emulator) await loadSeed(target.client, { ...io, stderr: new PassThrough().resume(), stderrIsTTY: false, interrupts: undefined });
    return await fn(target);
  } finally {
    await target.close();
  }
}

/** The one line a load ends with, on stderr. */
export function loadSummaryLine(sobject: string, op: string, s: LoadSummary, results: string | undefined): string {
  const where = results ? `; results in ${results}` : '';
  if (s.dryRun) {
    return `${sobject} ${op} (dry run, nothing sent): ${s.total} rows — ${s.total - s.invalid} pass the check, ${s.invalid} fail it${where}`;
  }
  const counts = `${s.successful} successful, ${s.failed} failed, ${s.unprocessed} unprocessed`;
  const job = s.jobId ? ` (bulk job ${s.jobId}${s.jobState ? ` ${s.jobState}` : ''})` : '';
  if (s.interrupted) return `rxforce: interrupted (${s.interrupted}): ${sobject} ${op} stopped${job}: ${s.total} rows — ${counts}${where}`;
  return `${sobject} ${op}: ${s.total} rows — ${counts}${s.invalid ? ` (${s.invalid} of them refused before sending)` : ''}${job}${where}`;
}

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('rxforce')
    .description('Salesforce from the command line: queries, loads, describe, models, and a local org emulator')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: s => io.stdout.write(s),
      writeErr: s => io.stderr.write(s),
      // one line, the hint included: scripts read the first line of stderr
      outputError: (s, write) => write(`rxforce: ${s.replace(/^error: /, '').trim()} (see --help)\n`),
    });

  withTarget(program.command('query')
    .description('run a SOQL query and stream its rows (table on a terminal, CSV when piped)')
    .argument('<soql>', 'the SOQL query')
    .option('--bulk', 'run as a Bulk API 2.0 query job')
    .option('--all', 'include deleted and archived rows (queryAll)')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS as string[]))
    .option('--out <file>', 'write to this file instead of stdout'))
    .action(async (soql: string, o: TargetFlags & { bulk?: boolean; all?: boolean; format?: OutputFormat; out?: string }) => {
      const n = await withOrg(o, io, t => runQuery(t.client, soql, o, io));
      if (o.out) note(io, `${n} row${n === 1 ? '' : 's'} written to ${o.out}`);
    });

  withTarget(program.command('load')
    .description('insert, update, upsert or delete records from a CSV, JSON or NDJSON file')
    .addArgument(program.createArgument('<operation>', LOAD_OPERATIONS.join(' | ')).choices(LOAD_OPERATIONS as string[]))
    .argument('<sobject>', 'object API name, e.g. Account')
    .argument('<file>', 'records file (.csv, .json, .ndjson)')
    .option('--external-id <field>', 'external id field for upsert')
    .option('--bulk', 'use Bulk API 2.0 (default)')
    .option('--rest', 'use sObject Collections (200 records a request)')
    .option('--batch-size <n>', 'records per collections request (≤ 200)', positiveInt('--batch-size'))
    .option('--concurrency <n>', 'collections requests in flight', positiveInt('--concurrency'))
    .option('--results <dir>', 'write successful.csv, failed.csv and unprocessed.csv here')
    .option('--dry-run', 'check every row against the org\'s describe and send none (failed rows still go to --results)'))
    .action(async (op: LoadOperation, sobject: string, file: string, o: TargetFlags & { externalId?: string; bulk?: boolean;
      rest?: boolean; batchSize?: number; concurrency?: number; results?: string; dryRun?: boolean }) => {
      if (o.bulk && o.rest) throw new CliError('--bulk and --rest exclude each other');
      const s = await withOrg(o, io, t => runLoad(t.client, op, sobject, file, o, io));
      note(io, loadSummaryLine(sobject, op, s, o.results));
      setExit(s.exitCode);
    });

  const job = program.command('job').description('a Bulk API 2.0 job by id: its state, its result files, or abort it');
  withTarget(job.command('status').description('state and record counts of a bulk job').argument('<jobId>', 'ingest or query job id')
    .option('--json', 'print the job info as JSON'))
    .action(async (jobId: string, o: TargetFlags & { json?: boolean }) => {
      await withOrg(o, io, t => runJobStatus(t.client, jobId, o.json === true, io));
    });
  withTarget(job.command('results').description('write an ingest job\'s successful.csv, failed.csv and unprocessed.csv')
    .argument('<jobId>', 'ingest job id').requiredOption('--results <dir>', 'directory for the three files'))
    .action(async (jobId: string, o: TargetFlags & { results: string }) => {
      setExit(await withOrg(o, io, t => runJobResults(t.client, jobId, o.results, io)));
    });
  withTarget(job.command('abort').description('abort a bulk job (records not yet processed stay unprocessed)')
    .argument('<jobId>', 'ingest or query job id'))
    .action(async (jobId: string, o: TargetFlags) => {
      await withOrg(o, io, t => runJobAbort(t.client, jobId, io));
    });

  withTarget(program.command('describe')
    .description('fields of an object')
    .argument('<sobject>', 'object API name')
    .option('--json', 'print the describe result as JSON'))
    .action(async (sobject: string, o: TargetFlags & { json?: boolean }) => {
      await withOrg(o, io, t => runDescribe(t.client, sobject, o.json === true, io));
    });

  withTarget(program.command('generate')
    .description('write typed models (defineSObject) for objects, from describe')
    .argument('<sobjects...>', 'object API names')
    .requiredOption('--out <file>', 'TypeScript file to write'))
    .action(async (sobjects: string[], o: TargetFlags & { out: string }) => {
      await withOrg(o, io, t => runGenerate(t.client, sobjects, o.out, io));
    });

  withTarget(program.command('limits')
    .description("the org's limits (used and remaining)")
    .option('--json', 'print as JSON'))
    .action(async (o: TargetFlags & { json?: boolean }) => {
      await withOrg(o, io, t => runLimits(t.client, o.json === true, io));
    });

  addSyncCommand(program, io, { withTarget, withOrg });

  program.command('emulator')
    .description('run the local org emulator until interrupted (rxforce emulator --help for its flags)')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[flags...]')
    .action(async (flags: string[]) => {
      if (flags.includes('--help') || flags.includes('-h')) {
        const { USAGE } = await import('../emulator/main.js');
        io.stdout.write(`${USAGE}\n`);
        return;
      }
      try {
        parseEmulatorArgs(flags);
      } catch (e) {
        throw new CliError(`emulator: ${(e as Error).message.split('\n')[0]} (emulator --help lists them)`);
      }
      const demoData = flags.includes('--demo-data');
      await runEmulatorCli(flags, {
        log: line => io.stdout.write(`${line}\n`),
        // the demo org, loaded through the API as a user would load it
        onStarted: demoData ? async emu => {
          const loaded = await loadSeed(emulatorClient(emu), { ...io, stderr: new PassThrough().resume(), stderrIsTTY: false, interrupts: undefined });
          const bad = loaded.find(l => l.summary.exitCode !== EXIT.ok);
          if (bad) throw new CliError(`emulator: the demo data did not load (${bad.sobject}: ${bad.summary.failed} failed)`, EXIT.failed);
          return `demo data: ${loaded.map(l => `${l.summary.successful} ${l.sobject}`).join(', ')}`;
        } : undefined,
      }).catch((e: unknown) => {
        throw e instanceof CliError ? e : new CliError(`emulator: ${(e as Error).message.split('\n')[0]}`, EXIT.failed);
      });
    });

  program.command('demo')
    .description('the tour: an embedded emulator (50 ms latency), a seeded org, the main features end to end')
    .option('--latency <ms>', 'latency the emulator adds to every request', nonNegativeInt('--latency'), 50)
    .action(async (o: { latency: number }) => {
      setExit(await runDemo(io, { latencyMs: o.latency }));
    });

  return program;
}

/** Runs the command line (without `node` and the script); resolves with the exit code. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram(io, c => { code = c; });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // `rxforce` with no command shows the help as an error (commander.help with exit code 1): a usage error
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (isClosedPipe(err)) return EXIT.ok;
    const { line, exitCode } = describeError(err);
    io.stderr.write(`${line}\n`);
    return exitCode;
  }
}
