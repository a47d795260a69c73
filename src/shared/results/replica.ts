/* Where a read was served, and what the console knows of the read replica (issue 13). */

export type ReadServer = 'replica' | 'primary';

/**
 * Where a figure was read. On a profile with a replica every stats, history and entry-list result
 * carries it, so the UI can say "replica, 3 s behind" or why it read the primary instead.
 */
export interface ReadSource {
  server: ReadServer;
  /** The replica's lag in seconds when this was decided; null when unknown (or no replica). */
  lagSeconds: number | null;
  /** Set when a read meant for the replica went to the primary: why, in words a person can act on. */
  fallbackReason?: string;
}

/** What the replica says of its replication threads (SHOW REPLICA STATUS / SHOW SLAVE STATUS). */
export interface ReplicationThreads {
  ioRunning: boolean;
  sqlRunning: boolean;
  /** Seconds_Behind_Master / Seconds_Behind_Source; null while a thread is stopped or the server cannot tell. */
  lagSeconds: number | null;
  /** The IO or SQL thread's last error; null when none. */
  lastError: string | null;
  /** The primary it replicates from, as host:port. */
  source: string;
}

/** The replica as the console last checked it. */
export interface ReplicaReport {
  /** host:port of the replica. */
  address: string;
  /** The lag above which reads go to the primary. */
  maxLagSeconds: number;
  /** Whether the replica answered its last heartbeat. */
  reachable: boolean;
  /** Null when they could not be read; `threadsNote` says why (no privilege, not a replica, unreachable). */
  threads: ReplicationThreads | null;
  threadsNote: string | null;
  /**
   * The lag used for routing: the threads' figure, else (no privilege to read them) the newest
   * POOL_METRICS row on the replica against the primary's; null when neither is known.
   */
  lagSeconds: number | null;
  /** How lagSeconds was found. */
  lagBasis: 'replication-status' | 'metrics-rows' | 'unknown';
  /** Where reads go now, and why not the replica when they do not. */
  route: ReadSource;
  /** When it was last checked (database clock of the replica where known, else the console's). */
  checkedAt: Date | null;
}
