import type mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/core/db/database.js';
import { DatabaseBookingPool } from '../../src/core/pool/database-booking-pool.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { benchDatabase } from './database.js';
import { Claimers, tally, type ClaimCall, type ClaimerFactory, type ClaimTally } from './claimers.js';
import { importCandidates, makeStuckLeases, resetPool, type Dataset, type ImportCandidate } from './dataset.js';
import { distribution, timeOnce, timeSerial, type Distribution } from './measure.js';
import { ReferencePool } from './reference-pool.js';

export interface Context {
  dataset: Dataset;
  profile: ConnectionProfile;
  admin: mysql.Connection;
  /** Ours and the reference share one Database (same driver, same pool size) for the serial reads. */
  db: Database;
  pool: DatabaseBookingPool;
  reference: ReferencePool;
  claimers: Claimers;
  log: (line: string) => void;
}

export async function openContext(dataset: Dataset, profile: ConnectionProfile, admin: mysql.Connection, workers: number, log: (line: string) => void): Promise<Context> {
  const db = benchDatabase(profile, 4);
  const claimers = new Claimers(profile, workers);
  await Promise.all([db.ping(), claimers.warm()]);
  return { dataset, profile, admin, db, pool: new DatabaseBookingPool(db), reference: new ReferencePool(db), claimers, log };
}

export async function closeContext(context: Context): Promise<void> {
  await Promise.all([context.db.close(), context.claimers.close()]);
}

export interface ReadResult {
  ours: Distribution;
  reference: Distribution;
  oursRows: number;
  referenceRows: number;
}

/** 1. Ready page of 100 (ours) against the first system's unbounded ready query. */
export async function readyPage(context: Context, options: { iterations: number; referenceIterations: number }): Promise<ReadResult> {
  let oursRows = 0;
  let referenceRows = 0;
  const ours = await timeSerial(async () => (oursRows = (await context.pool.getReadyForAssignment({ limit: 100 })).length), {
    iterations: options.iterations,
    warmup: Math.ceil(options.iterations / 10),
  });
  const reference = await timeSerial(async () => (referenceRows = (await context.reference.getReadyForAssignment()).length), {
    iterations: options.referenceIterations,
    warmup: 2,
  });
  return { ours, reference, oursRows, referenceRows };
}

export interface StatsResult extends ReadResult {
  /** Whether ours and the reference counted the same entries per status. */
  agree: boolean;
}

/** 2. Exact stats snapshot (ours, one statement) against five separate COUNTs. */
export async function statsSnapshot(context: Context, options: { iterations: number; referenceIterations: number }): Promise<StatsResult> {
  const ours = await timeSerial(() => context.pool.getPoolStats(), { iterations: options.iterations, warmup: Math.ceil(options.iterations / 10) });
  const reference = await timeSerial(() => context.reference.getPoolStats(), { iterations: options.referenceIterations, warmup: 2 });
  const [mine, theirs] = [await context.pool.getPoolStats(), await context.reference.getPoolStats()];
  const agree =
    mine.inPool === theirs.total &&
    mine.byStatus.waiting === theirs.waiting &&
    mine.byStatus.ready === theirs.ready &&
    mine.byStatus.processing === theirs.processing &&
    mine.byStatus.failed === theirs.failed;
  return { ours, reference, oursRows: 1, referenceRows: 5, agree };
}

export interface ClaimResult {
  label: string;
  tally: ClaimTally;
  elapsedMs: number;
  claimsPerSecond: number;
  distinctPerSecond: number;
  /** Calls that claimed something, per second: ours one claimBatch transaction each, the reference one UPDATE each. */
  callsPerSecond: number;
  /** Latency of one call: ours one claimBatch, the reference one UPDATE (its list reads counted apart). */
  callLatency: Distribution;
  /** Whether the eligible set ran dry before the time cap. */
  exhausted: boolean;
  /** Entries the database shows claimed by this run's owners (ours only). */
  databaseClaimed: number | null;
}

function summarize(label: string, calls: ClaimCall[], startedAt: number, endedAt: number, exhausted: boolean, databaseClaimed: number | null): ClaimResult {
  const t = tally(calls);
  const elapsedMs = endedAt - startedAt;
  return {
    label,
    tally: t,
    elapsedMs,
    claimsPerSecond: (t.claims / elapsedMs) * 1000,
    distinctPerSecond: (t.distinct / elapsedMs) * 1000,
    callsPerSecond: (calls.filter((call) => call.ids.length > 0).length / elapsedMs) * 1000,
    callLatency: distribution(calls.filter((call) => call.ids.length > 0).map((call) => call.end - call.start)),
    exhausted,
    databaseClaimed,
  };
}

const oursClaimer = (limit: number, prefix: string): ClaimerFactory => (db, worker) => {
  const pool = new DatabaseBookingPool(db);
  const owner = `${prefix}-${worker}`;
  return async () => (await pool.claimBatch({ owner, limit })).map((entry) => entry.bookingId);
};

/**
 * The first system's worker: read the ready list (bounded to `listRows` so a round ends at all),
 * then mark each listed entry as processing with the unconditional UPDATE, believing every one won.
 */
const referenceClaimer = (listRows: number): ClaimerFactory => (db) => {
  const reference = new ReferencePool(db);
  let queue: number[] = [];
  return async (shouldStop) => {
    if (queue.length === 0 && !shouldStop()) queue = (await reference.getReadyForAssignment(listRows)).map((row) => Number(row.BOOKING_ID));
    const id = queue.shift();
    if (id === undefined) return [];
    await reference.markAsProcessing(id);
    return [id];
  };
};

/** 3. N concurrent claimers, from the same eligible set each run. */
export async function concurrentClaims(
  context: Context,
  options: { workers: number; batchSizes: number[]; maxMs: number; referenceListRows: number },
): Promise<ClaimResult[]> {
  const results: ClaimResult[] = [];
  for (const batch of options.batchSizes) {
    await resetPool(context.admin, context.dataset);
    const prefix = `bench-b${batch}`;
    const run = await context.claimers.run(oursClaimer(batch, prefix), { workers: options.workers, maxMs: options.maxMs, stopWhenEmpty: true });
    const [rows] = await context.admin.query<mysql.RowDataPacket[]>('SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_CLAIMED_BY LIKE ?', [`${prefix}-%`]);
    const exhausted = run.calls.some((call) => call.ids.length === 0);
    results.push(summarize(`ours: claimBatch, batch ${batch}`, run.calls, run.startedAt, run.endedAt, exhausted, Number(rows[0]?.n)));
    context.log(`  claims, ours batch ${batch}: ${results.at(-1)?.tally.claims} in ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s`);
  }
  await resetPool(context.admin, context.dataset);
  const run = await context.claimers.run(referenceClaimer(options.referenceListRows), { workers: options.workers, maxMs: options.maxMs, stopWhenEmpty: true });
  const exhausted = run.calls.some((call) => call.ids.length === 0);
  results.push(summarize(`reference: list ${options.referenceListRows} + unconditional UPDATE`, run.calls, run.startedAt, run.endedAt, exhausted, null));
  context.log(`  claims, reference: ${results.at(-1)?.tally.claims} in ${((run.endedAt - run.startedAt) / 1000).toFixed(1)} s`);
  await resetPool(context.admin, context.dataset);
  return results;
}

export interface ResetResult {
  label: string;
  stuck: number;
  reset: number;
  resetMs: number;
  /** Claim calls that overlapped the reset. */
  during: Distribution;
  /** Claim calls before the reset started, for comparison. */
  before: Distribution;
  claimsDuring: number;
  /** Whether the claimers ran out of eligible entries before the reset ended. */
  ranDry: boolean;
}

/** 4. Reset of the stuck leases while claimers keep claiming other eligible entries. */
export async function resetStuck(
  context: Context,
  options: { workers: number; claimBatch: number; pauseMs: number; leadMs: number },
): Promise<ResetResult[]> {
  const results: ResetResult[] = [];
  const variants: [string, () => Promise<number>][] = [
    ['ours: resetStuckProcessing (batches of 1,000)', async () => (await context.pool.resetStuckProcessing({ olderThanSeconds: 3600, audit: { reason: 'benchmark' } })).reset],
    ['reference: one unbounded UPDATE (updated_at)', () => context.reference.resetStuckProcessing()],
  ];
  for (const [label, reset] of variants) {
    await resetPool(context.admin, context.dataset);
    const stuck = await makeStuckLeases(context.admin, context.dataset);
    let window = { start: Number.POSITIVE_INFINITY, end: Number.POSITIVE_INFINITY };
    let resetRows = 0;
    const resetDone = (async () => {
      await new Promise((resolve) => setTimeout(resolve, options.leadMs));
      window = { start: performance.now(), end: Number.POSITIVE_INFINITY };
      resetRows = await reset();
      window.end = performance.now();
    })();
    const run = await context.claimers.run(oursClaimer(options.claimBatch, 'bench-reset'), {
      workers: options.workers,
      maxMs: 10 * 60_000,
      stopWhenEmpty: false,
      pauseMs: options.pauseMs,
      until: resetDone,
    });
    await resetDone;
    const during = run.calls.filter((call) => call.end >= window.start && call.start <= window.end);
    const before = run.calls.filter((call) => call.end < window.start);
    results.push({
      label,
      stuck,
      reset: resetRows,
      resetMs: window.end - window.start,
      during: distribution(during.map((call) => call.end - call.start)),
      before: distribution(before.map((call) => call.end - call.start)),
      claimsDuring: during.reduce((sum, call) => sum + call.ids.length, 0),
      ranDry: during.some((call) => call.ids.length === 0),
    });
    context.log(`  reset, ${label}: ${resetRows} rows in ${((window.end - window.start) / 1000).toFixed(2)} s`);
  }
  await resetPool(context.admin, context.dataset);
  return results;
}

export interface ImportResult {
  label: string;
  entries: number;
  ms: number;
  /** Entries actually run when `ms` is scaled up from a sample (the reference); else = entries. */
  measuredEntries: number;
  measuredMs: number;
  /** What the implementation reported (ours), or the rows it updated (reference). */
  outcome: string;
}

export interface LegacyEntry extends ImportCandidate {
  poolEntryTime: string;
  decisionWindowTime: string;
}

/** A legacy memory-pool export of the import-step bookings: entered a day before the build, decision window start − U days. */
export async function legacySnapshot(context: Context): Promise<{ entries: LegacyEntry[] }> {
  const entered = new Date(`${context.dataset.anchor.replace(' ', 'T')}Z`).getTime() - 86_400_000;
  const candidates = await importCandidates(context.admin);
  return {
    entries: candidates.map((candidate) => ({
      ...candidate,
      poolEntryTime: new Date(entered).toISOString(),
      decisionWindowTime: new Date(Date.parse(candidate.startTime) - candidate.urgentThresholdDays * 86_400_000).toISOString(),
    })),
  };
}

export type ApplyImport = (db: Database, snapshot: { entries: LegacyEntry[] }) => Promise<unknown>;

/**
 * 5. Legacy import: ours (validated, batched) against one UPDATE per entry. The reference runs on
 * the first `referenceEntries` entries and its time is scaled to all of them: one statement per
 * entry costs the same for every entry, and the full run takes minutes.
 */
export async function legacyImport(context: Context, apply: ApplyImport, options: { referenceEntries: number }): Promise<ImportResult[]> {
  const snapshot = await legacySnapshot(context);
  const total = snapshot.entries.length;
  const results: ImportResult[] = [];
  await resetPool(context.admin, context.dataset);
  // From the export object in memory: validating every entry is part of the import, reading the file is not.
  const { ms, result } = await timeOnce(() => apply(context.db, snapshot));
  results.push({ label: 'ours: applyLegacyImport', entries: total, ms, measuredEntries: total, measuredMs: ms, outcome: describeOutcome(result) });
  context.log(`  import, ours: ${total} entries in ${(ms / 1000).toFixed(2)} s`);
  await resetPool(context.admin, context.dataset);
  const sample = snapshot.entries.slice(0, Math.min(options.referenceEntries, total));
  const { ms: referenceMs } = await timeOnce(async () => {
    for (const entry of sample) await context.reference.addToPool(entry.bookingId, new Date(entry.decisionWindowTime));
  });
  const [rows] = await context.admin.query<mysql.RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting' AND BOOKING_ID IN (SELECT BOOKING_ID FROM BENCH_SPARE WHERE ROLE = 2)",
  );
  const scaled = sample.length > 0 ? (referenceMs * total) / sample.length : 0;
  results.push({
    label: 'reference: one UPDATE per entry',
    entries: total,
    ms: scaled,
    measuredEntries: sample.length,
    measuredMs: referenceMs,
    outcome: `${Number(rows[0]?.n)} pooled`,
  });
  context.log(`  import, reference: ${sample.length} entries in ${(referenceMs / 1000).toFixed(2)} s`);
  await resetPool(context.admin, context.dataset);
  return results;
}

function describeOutcome(result: unknown): string {
  if (result === null || typeof result !== 'object') return String(result);
  const counts = Object.entries(result as Record<string, unknown>)
    .filter(([, value]) => typeof value === 'number' || (value && typeof value === 'object' && !Array.isArray(value)))
    .map(([key, value]) => `${key}: ${typeof value === 'number' ? value : JSON.stringify(value)}`);
  return counts.join(', ').slice(0, 200);
}
