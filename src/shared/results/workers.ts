/* The pool's workers (POOL_WORKERS heartbeats and the leases in BOOKING_PLAN) as the console lists them. */

/**
 * alive: heartbeat within 1.5 intervals; late: within 3; dead: older (three missed heartbeats);
 * stopped: the worker said goodbye; no-heartbeat: an owner holding leases that never registered
 * (another implementation, or a worker from before migration 0008), known from POOL_CLAIMED_BY alone.
 */
export const WORKER_STATES = ['alive', 'late', 'dead', 'stopped', 'no-heartbeat'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

export interface WorkerInfo {
  ownerId: string;
  state: WorkerState;
  host: string | null;
  pid: number | null;
  version: string | null;
  startedAt: Date | null;
  heartbeatAt: Date | null;
  /** Age of the last heartbeat by the database clock; null without one. */
  heartbeatAgeMs: number | null;
  heartbeatIntervalMs: number | null;
  /** Entries this owner holds (processing, POOL_CLAIMED_BY = owner). */
  leases: number;
  /** Of those, leases past the lease timeout (what reset-stuck would reset). */
  expiredLeases: number;
  oldestLeaseAt: Date | null;
  /** Running counts since the worker started; null for an owner that never heartbeat. */
  claims: number | null;
  completes: number | null;
  fails: number | null;
  /** Entries claimed in the last minute, as of its last heartbeat. */
  claimsPerMinute: number | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

export interface WorkerList {
  measuredAt: Date;
  /** False before migration 0008-pool-workers: only owners holding leases are listed. */
  heartbeats: boolean;
  workers: WorkerInfo[];
  /** Processing entries with no POOL_CLAIMED_BY (claimed by an implementation that records no owner). */
  unownedLeases: number;
  /** More owners exist than the list's bound. */
  truncated: boolean;
}

export interface LeaseReleasePreview {
  ownerId: string;
  state: WorkerState;
  measuredAt: Date;
  /** Leases the release would put back to waiting now. */
  count: number;
  /** Up to 20 of their booking ids, ascending. */
  sampleIds: number[];
  /** Whether a release without `force` is allowed (the owner is dead, stopped or never heartbeat). */
  allowed: boolean;
  /** Why not, when not allowed. */
  refusal: string | null;
}

export interface LeaseRelease {
  dryRun: boolean;
  /** What the release found before changing anything (a dry run changes nothing). */
  preview: LeaseReleasePreview;
  /** Leases put back to waiting; 0 on a dry run. */
  released: number;
}
