import type { HealthReason, SystemStatus } from '../../shared/results/health.js';
import type { ReplicaReport } from '../../shared/results/replica.js';
import { reason } from './health-reasons.js';
import { judge } from './pool-health.js';

/* The read replica's part of the health model: degraded, never down (reads go to the primary). */

const READS = 'reads go to the primary until it recovers';

/** What is wrong with the replica, one finding per condition; none while it is fit to read. */
export function replicaFindings(report: ReplicaReport): HealthReason[] {
  const at = `read replica ${report.address}`;
  if (!report.reachable) {
    return [reason('replica-unreachable', 'degraded', `${at} does not answer (${report.route.fallbackReason ?? report.threadsNote ?? 'no answer'}); ${READS}`, { items: [report.address] })];
  }
  const findings: HealthReason[] = [];
  const threads = report.threads;
  if (threads) {
    const stopped = [!threads.ioRunning && 'IO', !threads.sqlRunning && 'SQL'].filter((thread): thread is string => Boolean(thread));
    if (stopped.length > 0) {
      findings.push(reason('replica-stopped', 'degraded', `${at}: replication ${stopped.join(' and ')} thread${stopped.length > 1 ? 's' : ''} stopped; ${READS} (START REPLICA on it, after fixing the error)`, { items: stopped }));
    }
    if (threads.lastError) findings.push(reason('replica-error', 'degraded', `${at}: last replication error: ${threads.lastError}`));
  }
  if (report.lagSeconds !== null && report.lagSeconds > report.maxLagSeconds) {
    findings.push(reason('replica-lag', 'degraded', `${at} is ${report.lagSeconds} s behind the primary (threshold ${report.maxLagSeconds} s); ${READS}`, { count: report.lagSeconds }));
  } else if (report.lagSeconds === null && findings.length === 0) {
    findings.push(reason('replica-lag-unknown', 'degraded', `${at}: lag unknown (${report.threadsNote ?? 'the server does not say'}); ${READS}`));
  }
  return findings;
}

/** The pool's status with the replica's findings added (none without a replica). */
export function withReplicaFindings(status: SystemStatus, report: ReplicaReport | null): SystemStatus {
  if (!report) return status;
  const findings = replicaFindings(report);
  return findings.length === 0 ? status : judge([...status.findings, ...findings], status.checkedAt, status.stats);
}
