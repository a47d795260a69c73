import type { HealthReason } from '../../shared/results/health.js';
import type { Database } from '../db/database.js';
import { isGalera } from '../db/galera.js';
import { reason } from './health-reasons.js';

/*
 * A Galera node's health as the console judges it: the cluster's size and whether this node is in
 * its Primary component, the node's state (Synced, Donor/Desynced, Joining…), the share of time
 * replication was paused by flow control, the receive queue, and certification failures per minute.
 * Shares and rates come from two reads of the server's counters: the previous read of the same
 * Database when there is one, else two reads `sampleMs` apart.
 */

export const GALERA_STATUS_SQL = `SHOW GLOBAL STATUS WHERE Variable_name IN (
  'wsrep_cluster_size', 'wsrep_cluster_status', 'wsrep_local_state_comment', 'wsrep_ready', 'wsrep_connected',
  'wsrep_flow_control_paused', 'wsrep_flow_control_paused_ns', 'wsrep_local_recv_queue', 'wsrep_local_cert_failures')`;

export interface GaleraThresholds {
  /** Share of time (0..1) replication may be paused by flow control before the node is degraded. */
  flowControlPaused: number;
  /** Write sets waiting to be applied on this node. */
  recvQueue: number;
  /** Local certification failures per minute (each one a transaction rolled back and retried). */
  certFailuresPerMinute: number;
}

export const DEFAULT_GALERA_THRESHOLDS: GaleraThresholds = { flowControlPaused: 0.1, recvQueue: 100, certFailuresPerMinute: 600 };

export interface GaleraNodeHealth {
  clusterSize: number;
  /** The largest cluster this console has seen from this node: a smaller one means a node left. */
  largestSeen: number;
  clusterStatus: string;
  state: string;
  ready: boolean;
  /** Share of time paused by flow control between the two reads (0..1). */
  flowControlPaused: number;
  recvQueue: number;
  certFailures: number;
  /** Null only when no two reads could be compared. */
  certFailuresPerMinute: number | null;
  /** Why the node is degraded; empty when it is healthy. */
  problems: string[];
}

interface Sample {
  at: number;
  status: Record<string, string>;
}

const previous = new WeakMap<Database, Sample>();
const largest = new WeakMap<Database, number>();

async function sample(db: Database): Promise<Sample> {
  const rows = await db.select<{ Variable_name: string; Value: string }>('galera.status', GALERA_STATUS_SQL);
  return { at: Date.now(), status: Object.fromEntries(rows.map((row) => [row.Variable_name, row.Value])) };
}

/** The node's figures and problems from two samples (pure, for the unit test). */
export function judgeGalera(before: Sample | null, now: Sample, largestSeen: number, thresholds: GaleraThresholds = DEFAULT_GALERA_THRESHOLDS): GaleraNodeHealth {
  const n = (sample: Sample | null, key: string) => Number(sample?.status[key] ?? 0);
  const minutes = before ? (now.at - before.at) / 60_000 : 0;
  const certFailuresPerMinute = before && minutes > 0 ? Math.max(0, n(now, 'wsrep_local_cert_failures') - n(before, 'wsrep_local_cert_failures')) / minutes : null;
  const flowControlPaused =
    before && now.at > before.at
      ? Math.min(1, Math.max(0, n(now, 'wsrep_flow_control_paused_ns') - n(before, 'wsrep_flow_control_paused_ns')) / ((now.at - before.at) * 1e6))
      : n(now, 'wsrep_flow_control_paused');
  const health: GaleraNodeHealth = {
    clusterSize: n(now, 'wsrep_cluster_size'),
    largestSeen: Math.max(largestSeen, n(now, 'wsrep_cluster_size')),
    clusterStatus: now.status.wsrep_cluster_status ?? 'unknown',
    state: now.status.wsrep_local_state_comment ?? 'unknown',
    ready: now.status.wsrep_ready === 'ON',
    flowControlPaused,
    recvQueue: n(now, 'wsrep_local_recv_queue'),
    certFailures: n(now, 'wsrep_local_cert_failures'),
    certFailuresPerMinute,
    problems: [],
  };
  const problems = health.problems;
  if (health.clusterStatus !== 'Primary') problems.push(`this node is in a ${health.clusterStatus} component, not the Primary one: it refuses queries until it rejoins the cluster`);
  if (health.state !== 'Synced') problems.push(`node state ${health.state}, not Synced: it lags the cluster or is serving a state transfer`);
  if (!health.ready) problems.push('wsrep_ready is OFF: the node accepts no queries');
  if (health.clusterSize < health.largestSeen) problems.push(`cluster size ${health.clusterSize}, was ${health.largestSeen}: a node left the cluster`);
  if (health.flowControlPaused > thresholds.flowControlPaused) {
    problems.push(`flow control paused replication ${(health.flowControlPaused * 100).toFixed(0)} % of the time (threshold ${(thresholds.flowControlPaused * 100).toFixed(0)} %): a slow node holds back every writer`);
  }
  if (health.recvQueue > thresholds.recvQueue) problems.push(`receive queue ${health.recvQueue} write sets (threshold ${thresholds.recvQueue}): this node applies slower than the cluster writes`);
  if (health.certFailuresPerMinute !== null && health.certFailuresPerMinute > thresholds.certFailuresPerMinute) {
    problems.push(`${Math.round(health.certFailuresPerMinute)} certification failures a minute (threshold ${thresholds.certFailuresPerMinute}): writers on different nodes conflict; connect pool writers to one node`);
  }
  return health;
}

/**
 * This node's Galera health, or null when the server is not a Galera node. Without an earlier read
 * of the same Database, `sampleMs` > 0 reads twice that far apart (the doctor); 0 judges the rates
 * from this one read (the health model, which reads again on its next check).
 */
export async function readGaleraHealth(db: Database, options: { sampleMs?: number; thresholds?: GaleraThresholds } = {}): Promise<GaleraNodeHealth | null> {
  if (!(await isGalera(db))) return null;
  let before = previous.get(db) ?? null;
  if (!before && (options.sampleMs ?? 0) > 0) {
    before = await sample(db);
    await new Promise((resolve) => setTimeout(resolve, options.sampleMs));
  }
  const now = await sample(db);
  previous.set(db, now);
  const health = judgeGalera(before, now, largest.get(db) ?? 0, options.thresholds);
  largest.set(db, health.largestSeen);
  return health;
}

/** The health model's hook: one degraded reason for a Galera node with problems, else none. */
export async function galeraFindings(db: Database): Promise<HealthReason[]> {
  const health = await readGaleraHealth(db);
  if (!health || health.problems.length === 0) return [];
  return [reason('galera-node', 'degraded', `Galera node: ${health.problems.join('; ')}`, { count: health.problems.length, items: health.problems })];
}
