import { performance } from 'node:perf_hooks';
import type { Database } from '../../src/core/db/database.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';
import { benchDatabase } from './database.js';
import { sleep } from './measure.js';

/** One timed claim call: when it started and ended (ms, performance clock) and what it believes it won. */
export interface ClaimCall {
  worker: number;
  start: number;
  end: number;
  ids: number[];
}

export interface ClaimRun {
  calls: ClaimCall[];
  startedAt: number;
  endedAt: number;
}

/**
 * What a claimer does: `claim` returns the booking ids it believes it won in one call; an empty
 * list means nothing was left to claim. Built per worker, each on its own Database (own pool of
 * connections), as separate worker processes would be.
 */
export type ClaimerFactory = (db: Database, worker: number) => (shouldStop: () => boolean) => Promise<number[]>;

export interface ClaimerOptions {
  workers: number;
  /** Stop after this long even if entries are left. */
  maxMs: number;
  /** Stop a worker when a call claims nothing (the eligible set ran dry). */
  stopWhenEmpty: boolean;
  /** Pause after each call, as a worker busy with its batch would. */
  pauseMs?: number;
  /** Stop when this resolves (e.g. when the operation measured alongside finishes). */
  until?: Promise<unknown>;
}

/** A set of claimers, started together on their own connections; `run` may be called repeatedly. */
export class Claimers {
  private readonly dbs: Database[];

  constructor(profile: ConnectionProfile, workers: number) {
    this.dbs = Array.from({ length: workers }, () => benchDatabase(profile, 2));
  }

  /** Opens every worker's connection first so connection set-up is not measured. */
  async warm(): Promise<void> {
    await Promise.all(this.dbs.map((db) => db.ping()));
  }

  async run(factory: ClaimerFactory, options: ClaimerOptions): Promise<ClaimRun> {
    const calls: ClaimCall[] = [];
    let stopped = false;
    void options.until?.then(() => (stopped = true), () => (stopped = true));
    const startedAt = performance.now();
    const deadline = startedAt + options.maxMs;
    const shouldStop = () => stopped || performance.now() >= deadline;
    await Promise.all(
      this.dbs.slice(0, options.workers).map(async (db, worker) => {
        const claim = factory(db, worker);
        while (!shouldStop()) {
          const start = performance.now();
          const ids = await claim(shouldStop);
          calls.push({ worker, start, end: performance.now(), ids });
          if (ids.length === 0 && options.stopWhenEmpty) return;
          if (options.pauseMs) await sleep(options.pauseMs);
        }
      }),
    );
    return { calls, startedAt, endedAt: performance.now() };
  }

  async close(): Promise<void> {
    await Promise.all(this.dbs.map((db) => db.close()));
  }
}

export interface ClaimTally {
  /** Claims the workers believe they won. */
  claims: number;
  /** Different entries among them. */
  distinct: number;
  /** Claims of an entry some other claim had already won: claims − distinct. */
  doubleClaims: number;
  /** Entries claimed more than once. */
  entriesClaimedTwiceOrMore: number;
}

export function tally(calls: ClaimCall[]): ClaimTally {
  const times = new Map<number, number>();
  for (const call of calls) for (const id of call.ids) times.set(id, (times.get(id) ?? 0) + 1);
  const claims = calls.reduce((sum, call) => sum + call.ids.length, 0);
  return {
    claims,
    distinct: times.size,
    doubleClaims: claims - times.size,
    entriesClaimedTwiceOrMore: [...times.values()].filter((count) => count > 1).length,
  };
}
