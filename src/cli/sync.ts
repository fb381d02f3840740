/**
 * `rxforce sync OBJECT... --to sqlite:PATH|postgres://URL`: mirrors objects into a database, as a daemon (a round per
 * object every `--interval` seconds, one log line per round) or once (`--once`). SIGINT/SIGTERM finish the batch in
 * hand, which commits with the last checkpoint it covers, and exit 0; a second one while that runs exits at once with
 * 130 (the uncommitted batch rolls back). `rxforce sync status --to …` prints what the mirror holds.
 */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { lastValueFrom, Subject, takeUntil, tap } from 'rxjs';
import type { SalesforceClient } from '../client/client.js';
import { redact } from '../util/redact.js';
import { postgresSink, sqliteSink } from '../node/sync/index.js';
import { applyTo, replicateAll$, type ReplicationEvent, type ReplicationSink, type RoundEvent } from '../sync/index.js';
import { CliError, describeError, EXIT } from './errors.js';
import type { CliIo } from './io.js';
import { progressBar, type Progress } from './progress.js';
import { parseMirrorTarget, parseSyncArgs, shownTarget, type MirrorTarget, type SyncFlags, type SyncPlan } from './syncArgs.js';
import type { Target, TargetFlags } from './target.js';
import { addWorkerOptions, runSyncWorkerCommand, wantsWorker, type WorkerFlags } from './syncWorker.js';

/** Objects whose rounds run at once. */
const CONCURRENCY = 3;

/** Opens the sink the target names. */
export function openMirror(target: MirrorTarget, keepDeleted: boolean): ReplicationSink {
  return target.kind === 'sqlite' ? sqliteSink(target.path, { keepDeleted }) : postgresSink(target.url, { keepDeleted });
}

const seconds = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(1)} s`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One log line (stdout): when, which object, what the event says. */
function logLine(e: ReplicationEvent): string | undefined {
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  switch (e.type) {
    case 'round':
      return `${at} ${e.object} ${e.phase === 'incremental' ? 'round' : e.phase === 'initial' ? 'initial load' : 'resync'}: `
        + `${plural(e.upserts, 'upsert')}, ${plural(e.deletes, 'delete')}, lag ${seconds(e.lagMs)}`;
    case 'phase':
      return e.phase === 'resync' ? `${at} ${e.object} full resync: ${e.detail ?? e.reason ?? ''}` : undefined;
    case 'schema':
      return e.added.length && e.removed.length === 0 && e.fields.length === e.added.length ? undefined
        : `${at} ${e.object} fields changed: ${[...e.added.map(f => `+${f}`), ...e.removed.map(f => `-${f}`)].join(' ')}`;
    case 'retry':
      return `${at} ${e.object} round failed (${describeError(e.error).line.replace(/^rxforce: /, '')}); `
        + `attempt ${e.attempt + 1} in ${seconds(e.delayMs)}`;
    default:
      return undefined;
  }
}

/**
 * Runs the mirror: until `signal` aborts (daemon), or until every object has finished one round (`plan.once`). The
 * events in hand when it stops are applied and committed before it resolves, with each object's last round.
 */
export async function runSync(client: SalesforceClient, plan: SyncPlan, io: CliIo, signal?: AbortSignal): Promise<Map<string, RoundEvent>> {
  const sink = openMirror(plan.target, plan.keepDeleted);
  const stop$ = new Subject<void>();
  const onAbort = () => stop$.next();
  const bars = new Map<string, Progress>();
  const done = new Set<string>();
  const rounds = new Map<string, RoundEvent>();
  const out = (line: string) => io.stdout.write(`${line}\n`);
  try {
    if (signal?.aborted) return rounds;
    signal?.addEventListener('abort', onAbort);
    const events$ = replicateAll$(plan.objects, {
      client, checkpoint: sink, pollInterval: plan.intervalSeconds * 1000, fields: plan.fields,
      keepDeleted: plan.keepDeleted, concurrency: CONCURRENCY,
    }).pipe(takeUntil(stop$), applyTo(sink), tap(e => {
      if (e.type === 'progress' && !bars.has(e.object) && bars.size === 0) {
        bars.set(e.object, progressBar(io, `${e.object} ${e.phase === 'initial' ? 'initial load' : 'resync'} (${e.via})`, e.total));
      }
      if (e.type === 'progress') bars.get(e.object)?.update(e.done, Math.max(e.total, e.done));
      if (e.type === 'round') {
        rounds.set(e.object, e);
        bars.get(e.object)?.stop();
        bars.delete(e.object);
      }
      const line = logLine(e);
      if (line) out(line);
      if (e.type === 'round' && plan.once) {
        done.add(e.object);
        if (done.size === plan.objects.length) stop$.next();
      }
    }));
    await lastValueFrom(events$, { defaultValue: undefined });
    return rounds;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    for (const bar of bars.values()) bar.stop();
    await sink.close();
  }
}

/** Prints each mirrored object's checkpoint and row count. */
export async function runSyncStatus(target: MirrorTarget, io: CliIo): Promise<void> {
  if (target.kind === 'sqlite' && !existsSync(target.path)) {
    throw new CliError(`no mirror at ${shownTarget(target)}`, EXIT.failed);
  }
  const sink = openMirror(target, false);
  try {
    const rows = await sink.status();
    if (!rows.length) {
      io.stdout.write(`no objects mirrored in ${shownTarget(target)}\n`);
      return;
    }
    const table = [['object', 'rows', 'changes up to', 'last full load'], ...rows.map(s => [
      s.object, s.rows.toLocaleString('en-US'), s.checkpoint?.watermark ?? '(load not finished)', s.checkpoint?.loadedAt ?? '',
    ])];
    const widths = table[0]!.map((_, i) => Math.max(...table.map(r => r[i]!.length)));
    for (const r of table) io.stdout.write(`${r.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()}\n`);
  } finally {
    await sink.close();
  }
}

/** Registers `rxforce sync` on the program (connection flags and org handling come from the program). */
export function addSyncCommand(program: Command, io: CliIo, helpers: {
  withTarget(cmd: Command): Command;
  withOrg<T>(flags: TargetFlags, io: CliIo, fn: (t: Target) => Promise<T>): Promise<T>;
}): void {
  helpers.withTarget(addWorkerOptions(program.command('sync')
    .description('mirror objects into SQLite or Postgres and keep them current (sync status --to … shows the mirror)')
    .argument('<objects...>', 'object API names (or `status`)')
    .option('--to <target>', 'sqlite:PATH or postgres://USER@HOST/DATABASE')
    .option('--interval <seconds>', 'seconds between rounds of one object (default 60)')
    .option('--once', 'one round per object (the initial load, or the changes since the last run), then exit')
    .option('--fields <list>', 'fields to mirror, comma-separated (default: every field)')
    .option('--keep-deleted', 'keep deleted rows with IsDeleted = 1 instead of removing them')))
    .action(async (objects: string[], o: TargetFlags & SyncFlags & WorkerFlags) => {
      const cwd = io.cwd ?? process.cwd();
      if (objects[0]?.toLowerCase() === 'status') {
        if (objects.length > 1) throw new CliError('sync status takes no objects: rxforce sync status --to …');
        await runSyncStatus(parseMirrorTarget(o.to, cwd), io);
        return;
      }
      if (wantsWorker(o)) {
        await runSyncWorkerCommand(objects, o, io, logLine);
        return;
      }
      const plan = parseSyncArgs(objects, o, cwd);
      const abort = new AbortController();
      const shown = redact(shownTarget(plan.target));
      // the first interrupt stops cleanly; a second one while stopping exits at once (130), like every command
      const unlisten = io.interrupts?.listen(() => abort.abort(),
        () => `interrupted again: sync stopped at once; the batch in hand was not committed, and the mirror in ${shown} `
          + 'holds every change up to its last stored checkpoint, from which the next run resumes') ?? (() => undefined);
      try {
        await helpers.withOrg(o, io, t => runSync(t.client, plan, io, abort.signal));
      } finally {
        unlisten();
      }
      if (abort.signal.aborted) io.stderr.write(`rxforce: sync stopped; the mirror in ${shown} is consistent up to its last checkpoint\n`);
    });
}
