import { describe, expect, it } from 'vitest';
import { isConflictError, isTransientError } from '../../src/core/db/transient.js';
import { judgeGalera } from '../../src/core/health/galera-health.js';
import { ClaimCandidatesTaken, galeraClaimOffset } from '../../src/core/pool/galera-claim.js';

const synced = {
  wsrep_cluster_size: '3',
  wsrep_cluster_status: 'Primary',
  wsrep_local_state_comment: 'Synced',
  wsrep_ready: 'ON',
  wsrep_flow_control_paused: '0.000000',
  wsrep_flow_control_paused_ns: '0',
  wsrep_local_recv_queue: '0',
  wsrep_local_cert_failures: '10',
};
const at = (seconds: number, status: Record<string, string> = {}) => ({ at: seconds * 1000, status: { ...synced, ...status } });

describe('judgeGalera()', () => {
  it('a Synced node in a Primary component of the size seen before has no problems; rates from two reads', () => {
    const health = judgeGalera(at(0), at(30, { wsrep_local_cert_failures: '40', wsrep_flow_control_paused_ns: String(3e9) }), 3);
    expect(health).toMatchObject({ clusterSize: 3, state: 'Synced', certFailuresPerMinute: 60, problems: [] });
    expect(health.flowControlPaused).toBeCloseTo(0.1);
  });

  it('without an earlier read: no rate, and the share since the server started', () => {
    expect(judgeGalera(null, at(0, { wsrep_flow_control_paused: '0.05' }), 0)).toMatchObject({ certFailuresPerMinute: null, flowControlPaused: 0.05, largestSeen: 3, problems: [] });
  });

  it('names each problem: not Synced, not Primary, not ready, a node gone, flow control, queue, certification failures', () => {
    const health = judgeGalera(
      at(0),
      at(60, {
        wsrep_cluster_size: '2',
        wsrep_cluster_status: 'non-Primary',
        wsrep_local_state_comment: 'Joined',
        wsrep_ready: 'OFF',
        wsrep_flow_control_paused_ns: String(30e9),
        wsrep_local_recv_queue: '500',
        wsrep_local_cert_failures: '1010',
      }),
      3,
    );
    expect(health.problems).toHaveLength(7);
    expect(health.problems.join('\n')).toMatch(/non-Primary component[\s\S]*node state Joined, not Synced[\s\S]*wsrep_ready is OFF[\s\S]*cluster size 2, was 3[\s\S]*flow control paused replication 50 %[\s\S]*receive queue 500[\s\S]*1000 certification failures a minute/);
  });
});

describe('the Galera claim', () => {
  it('starts within the first 8 batches, 16 on a retry', () => {
    expect(galeraClaimOffset(1, 20, () => 0)).toBe(0);
    expect(galeraClaimOffset(1, 20, () => 0.999)).toBe(159);
    expect(galeraClaimOffset(2, 20, () => 0.999)).toBe(319);
  });

  it('retries a claim whose candidates were all taken as a conflict, like a deadlock or a certification failure', () => {
    expect(isConflictError(new ClaimCandidatesTaken())).toBe(true);
    expect(isConflictError({ errno: 1213, code: 'ER_LOCK_DEADLOCK' })).toBe(true);
    // wrapped as Sequelize and our own errors wrap it
    expect(isConflictError({ name: 'SequelizeDatabaseError', original: { errno: 1213 } })).toBe(true);
    // a lost connection is retried too, but on its own schedule inside each try
    expect(isConflictError({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(false);
    expect(isTransientError({ code: 'PROTOCOL_CONNECTION_LOST' })).toBe(true);
  });
});
