import { replicaFindings } from '../../core/health/replica-health.js';
import { readGaleraHealth, type GaleraNodeHealth } from '../../core/health/galera-health.js';
import { schemaReport } from '../../core/schema/schema-report.js';
import type { ReplicaReport } from '../../shared/results/replica.js';
import type { ConsoleService } from '../../core/console/console-service.js';
import { connectionOptions } from '../connection.js';
import { EXIT_FINDINGS, EXIT_OK, type Output } from '../output.js';
import { jsonOption, withConsole, type ConsoleFlags, type Register } from './command.js';

/**
 * `doctor`: the connection opened as every command opens it, then the server and the schema
 * column by column. No contract operation reports the schema before the migrations this way
 * (migrations.status reports drift of applied ones), so this one reads it from the session's database.
 */
export const doctorCommand: Register = (program, done) => {
  const command = program
    .command('doctor')
    .description('check the connection, the server (its Galera cluster, if any) and the pool schema; exit 1 when the schema is incomplete or the Galera node has problems');
  jsonOption(connectionOptions(command)).action((flags: ConsoleFlags) => done(() => withConsole(flags, doctor)));
};

async function doctor(service: ConsoleService, out: Output): Promise<number> {
  const db = service.session.require().db;
  const report = await schemaReport(db);
  // two reads 2 s apart: flow control's share and the certification failure rate need an interval
  const galera = await readGaleraHealth(db, { sampleMs: 2_000 });
  const missingColumns = report.columns.filter((column) => !column.present);
  const missingIndexes = report.indexes.filter((index) => !index.servedBy);
  const missingTables = report.tables.filter((table) => !table.present);
  const schemaComplete = report.bookingPlan && missingColumns.length + missingIndexes.length + missingTables.length === 0;
  const replica = service.session.replicaReport();
  const healthy = schemaComplete && (galera?.problems.length ?? 0) === 0;
  out.result({ ...report, galera, healthy, ...(replica ? { replica, replicaFindings: replicaFindings(replica) } : {}) }, () => {
    const mark = (ok: boolean) => (ok ? 'ok     ' : 'MISSING');
    return [
      `server      ${report.server.flavour} ${report.server.version}`,
      `database    ${report.server.database}`,
      `time zone   ${report.server.timeZone} (session)`,
      `BOOKING_PLAN ${report.bookingPlan ? 'present' : 'MISSING: this is not the booking database'}`,
      ...(galera ? ['', ...galeraLines(galera)] : []),
      '',
      'pool columns',
      ...report.columns.map((column) => `  ${mark(column.present)} ${column.name}${column.columnType ? ` ${column.columnType}` : ''}`),
      'pool indexes',
      ...report.indexes.map((index) => `  ${mark(Boolean(index.servedBy))} ${index.name} (${index.columns.join(', ')})${index.servedBy && index.servedBy !== index.name ? ` served by ${index.servedBy}` : ''}`),
      'console tables',
      ...report.tables.map((table) => `  ${mark(table.present)} ${table.name}`),
      ...(replica ? ['', ...replicaLines(replica)] : []),
      '',
      schemaComplete ? 'schema complete' : 'schema incomplete: run `pool-console migrate up`',
    ].join('\n');
  });
  return healthy ? EXIT_OK : EXIT_FINDINGS;
}

/** The replica section: where it is, its threads, lag and last error, where reads go, what is wrong. */
function replicaLines(replica: ReplicaReport): string[] {
  const threads = replica.threads;
  const running = (on: boolean) => (on ? 'running' : 'STOPPED');
  const lag = replica.lagSeconds === null ? 'unknown' : `${replica.lagSeconds} s${replica.lagBasis === 'metrics-rows' ? ' (estimated from the newest history row)' : ''}`;
  const findings = replicaFindings(replica);
  return [
    `read replica ${replica.address} (${replica.reachable ? 'answers' : 'DOES NOT ANSWER'})`,
    ...(threads
      ? [`  IO thread   ${running(threads.ioRunning)}`, `  SQL thread  ${running(threads.sqlRunning)}`, `  last error  ${threads.lastError ?? 'none'}`, `  source      ${threads.source}`]
      : [`  threads     unknown: ${replica.threadsNote ?? 'not read'}`]),
    `  lag         ${lag} (threshold ${replica.maxLagSeconds} s)`,
    `  reads       ${replica.route.server === 'replica' ? 'from the replica' : `from the primary: ${replica.route.fallbackReason ?? ''}`}`,
    ...findings.map((finding) => `  ${finding.code}: ${finding.message}`),
  ];
}

/** The Galera node: cluster size, state, flow control, receive queue, certification failures. */
function galeraLines(galera: GaleraNodeHealth): string[] {
  const rate = galera.certFailuresPerMinute === null ? 'n/a' : galera.certFailuresPerMinute.toFixed(1);
  return [
    'galera node',
    `  cluster size        ${galera.clusterSize} (${galera.clusterStatus})`,
    `  node state          ${galera.state}${galera.ready ? '' : ' (not ready)'}`,
    `  flow control paused ${(galera.flowControlPaused * 100).toFixed(1)} %`,
    `  receive queue       ${galera.recvQueue}`,
    `  cert failures       ${rate} a minute (${galera.certFailures} since start)`,
    ...(galera.problems.length ? galera.problems.map((problem) => `  DEGRADED ${problem}`) : ['  ok']),
  ];
}
