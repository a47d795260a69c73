/**
 * `npm run bench:galera [-- --entries N --rounds R --limit L]`: claims on a real 3-node Galera
 * cluster on loopback, 8 claimers all on node 1 vs spread round robin over the three nodes, each
 * run claiming a fresh set of N ready entries until empty. Prints claims/s, the claim calls that
 * failed after their retries, the certification failures and brute-force aborts the nodes counted,
 * and checks every run for double claims and lost entries. A script that prints figures, not a
 * test (see docs/BENCHMARKS.md); the cluster is started and stopped here.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { GaleraCluster } from '../helpers/galera-cluster.js';
import { claimUntilEmpty, clusterPool, fillPool, type ClusterPool } from '../helpers/galera-pool.js';
import { int, loadAverage, table } from './report.js';

const CLAIMERS = 8;
const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const entries = arg('entries', 20_000);
const rounds = arg('rounds', 2);
const limit = arg('limit', 20);
const log = (line: string) => console.error(`[bench:galera ${new Date().toISOString().slice(11, 19)}] ${line}`);

async function conflicts(cluster: GaleraCluster): Promise<number[]> {
  const totals = [0, 0];
  for (const node of cluster.nodes) {
    const status = await node.status();
    totals[0]! += Number(status.wsrep_local_cert_failures ?? 0);
    totals[1]! += Number(status.wsrep_local_bf_aborts ?? 0);
  }
  return totals;
}

async function run(cluster: GaleraCluster, pool: ClusterPool, layout: 'one node' | 'spread over 3') {
  await pool.admin.query('UPDATE BOOKING_PLAN SET POOL_STATUS = NULL, POOL_CLAIMED_BY = NULL, POOL_CLAIMED_AT = NULL WHERE POOL_STATUS IS NOT NULL');
  await pool.admin.query('DELETE FROM BOOKING_PLAN');
  const ids = await fillPool(pool.admin, entries);
  const before = await conflicts(cluster);
  const load = loadAverage();
  const profiles = layout === 'one node' ? [pool.profiles[0]!] : pool.profiles;
  const outcome = await claimUntilEmpty(profiles, CLAIMERS, limit);
  const after = await conflicts(cluster);
  const doubles = [...outcome.wins.values()].filter((owners) => owners.length > 1).length;
  const [[left]] = await pool.admin.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM BOOKING_PLAN WHERE POOL_STATUS IN ('ready', 'waiting')");
  const claimed = outcome.wins.size;
  return {
    layout,
    claimsPerSecond: claimed / (outcome.ms / 1000),
    claimed,
    doubles,
    // a failed call rolled back: its entries are still eligible (left), never lost
    lost: ids.length - claimed - Number(left?.n),
    left: Number(left?.n),
    failedCalls: outcome.failures.length,
    calls: outcome.calls,
    certFailures: after[0]! - before[0]!,
    bfAborts: after[1]! - before[1]!,
    load,
  };
}

log(`starting a 3-node Galera cluster on loopback…`);
const cluster = await GaleraCluster.start(3);
try {
  const pool = await clusterPool(cluster);
  const results = [];
  for (let round = 1; round <= rounds; round += 1) {
    for (const layout of ['one node', 'spread over 3'] as const) {
      log(`round ${round}: ${CLAIMERS} claimers, ${layout}, ${int(entries)} entries, batches of ${limit}…`);
      results.push(await run(cluster, pool, layout));
    }
  }
  await pool.admin.end();
  console.log(`\n## Galera claims: ${CLAIMERS} claimers, ${int(entries)} ready entries, claimBatch limit ${limit}\n`);
  console.log(
    table(
      ['claimers on', 'claims/s', 'claimed', 'double', 'lost', 'left eligible', 'calls', 'failed calls', 'cert failures', 'BF aborts', 'load (1/5/15 min)'],
      results.map((r) => [r.layout, int(r.claimsPerSecond), int(r.claimed), r.doubles, r.lost, r.left, int(r.calls), r.failedCalls, int(r.certFailures), int(r.bfAborts), r.load]),
    ),
  );
} finally {
  await cluster.stop();
}
