import { describe, expect, it } from 'vitest';
import { decideRoute } from '../../../src/core/db/replica-router.js';
import { threadsFromRow } from '../../../src/core/db/replica-status.js';
import { replicaFindings } from '../../../src/core/health/replica-health.js';
import { savedProfileSchema } from '../../../src/shared/profile.js';
import type { ReplicaReport, ReplicationThreads } from '../../../src/shared/results/replica.js';

/* The replica's rules alone (issue 13): where a read goes, what health finds, how the status row reads. */

const RUNNING: ReplicationThreads = { ioRunning: true, sqlRunning: true, lagSeconds: 3, lastError: null, source: '127.0.0.1:3306' };
const check = (threads: ReplicationThreads | null, extra: Partial<{ threadsNote: string | null; lagSeconds: number | null; unreachable: string | null }> = {}) => ({
  threads,
  threadsNote: null,
  lagSeconds: threads?.lagSeconds ?? null,
  lagBasis: 'replication-status' as const,
  checkedAt: new Date(),
  unreachable: null,
  ...extra,
});

describe('decideRoute', () => {
  it('reads the replica while it answers, runs and keeps within the threshold (the threshold itself included)', () => {
    expect(decideRoute({ reachable: null, check: check(RUNNING), maxLagSeconds: 30 })).toEqual({ server: 'replica', lagSeconds: 3 });
    expect(decideRoute({ reachable: null, check: check({ ...RUNNING, lagSeconds: 30 }), maxLagSeconds: 30 }).server).toBe('replica');
  });

  it('falls back past the threshold, saying how far behind', () => {
    expect(decideRoute({ reachable: null, check: check({ ...RUNNING, lagSeconds: 45 }), maxLagSeconds: 30 })).toEqual({
      server: 'primary', lagSeconds: 45, fallbackReason: 'replica 45 s behind (threshold 30 s)',
    });
  });

  it('falls back when a thread is stopped, with the last error', () => {
    expect(decideRoute({ reachable: null, check: check({ ...RUNNING, sqlRunning: false, lagSeconds: null, lastError: 'SQL thread: Duplicate entry' }), maxLagSeconds: 30 }).fallbackReason)
      .toBe("the replica's SQL thread is stopped (SQL thread: Duplicate entry)");
    expect(decideRoute({ reachable: null, check: check({ ...RUNNING, ioRunning: false }), maxLagSeconds: 30 }).fallbackReason).toBe("the replica's IO thread is stopped");
  });

  it('falls back when the replica does not answer, was not checked, or its lag is unknown', () => {
    expect(decideRoute({ reachable: 'no heartbeat answer', check: check(RUNNING), maxLagSeconds: 30 }).fallbackReason).toBe('the replica does not answer: no heartbeat answer');
    expect(decideRoute({ reachable: null, check: null, maxLagSeconds: 30 }).fallbackReason).toBe('the replica has not been checked yet');
    expect(decideRoute({ reachable: null, check: check(null, { threadsNote: 'no privilege' }), maxLagSeconds: 30 }).fallbackReason).toBe("the replica's lag is unknown: no privilege");
  });

  it('reads the replica on an estimated lag when the threads cannot be read', () => {
    expect(decideRoute({ reachable: null, check: check(null, { lagSeconds: 2, threadsNote: 'estimated' }), maxLagSeconds: 30 })).toEqual({ server: 'replica', lagSeconds: 2 });
  });
});

describe('threadsFromRow', () => {
  it("reads MariaDB's and MySQL 8's spellings alike", () => {
    const mariadb = threadsFromRow({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'No', Seconds_Behind_Master: null, Last_IO_Error: '', Last_SQL_Error: 'Duplicate', Master_Host: 'db1', Master_Port: 3306 });
    const mysql = threadsFromRow({ Replica_IO_Running: 'Yes', Replica_SQL_Running: 'No', Seconds_Behind_Source: null, Last_IO_Error: '', Last_SQL_Error: 'Duplicate', Source_Host: 'db1', Source_Port: 3306 });
    expect(mariadb).toEqual({ ioRunning: true, sqlRunning: false, lagSeconds: null, lastError: 'SQL thread: Duplicate', source: 'db1:3306' });
    expect(mysql).toEqual(mariadb);
    expect(threadsFromRow({ Slave_IO_Running: 'Connecting', Slave_SQL_Running: 'Yes', Seconds_Behind_Master: '7' }).lagSeconds).toBe(7);
  });
});

describe('replicaFindings', () => {
  const report = (change: Partial<ReplicaReport>): ReplicaReport => ({
    address: 'db-ro:3306', maxLagSeconds: 30, reachable: true, threads: RUNNING, threadsNote: null, lagSeconds: 3, lagBasis: 'replication-status',
    route: { server: 'replica', lagSeconds: 3 }, checkedAt: new Date(), ...change,
  });

  it('finds nothing while the replica keeps up', () => {
    expect(replicaFindings(report({}))).toEqual([]);
  });

  it('degrades on lag over the threshold, stopped threads, the last error, no answer, unknown lag; never down', () => {
    const cases: [Partial<ReplicaReport>, string[]][] = [
      [{ lagSeconds: 31 }, ['replica-lag']],
      [{ threads: { ...RUNNING, ioRunning: false, sqlRunning: false, lastError: 'IO thread: access denied' }, lagSeconds: null }, ['replica-stopped', 'replica-error']],
      [{ reachable: false }, ['replica-unreachable']],
      [{ threads: null, lagSeconds: null, threadsNote: 'no privilege', lagBasis: 'unknown' }, ['replica-lag-unknown']],
    ];
    for (const [change, codes] of cases) {
      const findings = replicaFindings(report(change));
      expect(findings.map((finding) => finding.code)).toEqual(codes);
      expect(findings.every((finding) => finding.severity === 'degraded')).toBe(true);
    }
    expect(replicaFindings(report({ lagSeconds: 31 }))[0]?.message).toBe('read replica db-ro:3306 is 31 s behind the primary (threshold 30 s); reads go to the primary until it recovers');
  });
});

describe('the profile setting', () => {
  const base = { name: 'p', host: 'db', user: 'u', database: 'booking' };
  it('defaults the threshold to 30 s and refuses one that is not whole seconds from 0 to 86400', () => {
    expect(savedProfileSchema.parse({ ...base, replica: { host: 'db-ro' } }).replica).toEqual({ host: 'db-ro', port: 3306, maxLagSeconds: 30 });
    for (const maxLagSeconds of [-1, 1.5, 86_401]) {
      const parsed = savedProfileSchema.safeParse({ ...base, replica: { host: 'db-ro', maxLagSeconds } });
      expect(parsed.success).toBe(false);
      expect(parsed.error?.issues[0]?.message).toBe('Max replica lag must be a whole number of seconds from 0 to 86400');
    }
  });
});
