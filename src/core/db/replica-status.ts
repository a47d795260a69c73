import { PoolError } from '../../shared/errors.js';
import type { ReplicationThreads } from '../../shared/results/replica.js';
import type { Database } from './database.js';

/** MySQL 8.0.22+ and MariaDB 10.5.1+ both take it; older MySQL only SHOW SLAVE STATUS. */
export const REPLICA_STATUS_SQL = 'SHOW REPLICA STATUS';
export const SLAVE_STATUS_SQL = 'SHOW SLAVE STATUS';

type StatusRow = Record<string, unknown>;

/** The first of the names the row has: MySQL 8 says Replica_/Source_, MariaDB and older MySQL Slave_/Master_. */
function field(row: StatusRow, ...names: string[]): unknown {
  for (const name of names) if (name in row) return row[name];
  return undefined;
}

const text = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

/** One SHOW REPLICA STATUS row as the threads' state. */
export function threadsFromRow(row: StatusRow): ReplicationThreads {
  const lag = field(row, 'Seconds_Behind_Source', 'Seconds_Behind_Master');
  const ioError = text(field(row, 'Last_IO_Error'));
  const sqlError = text(field(row, 'Last_SQL_Error')) || text(field(row, 'Last_Error'));
  const lastError = [ioError && `IO thread: ${ioError}`, sqlError && `SQL thread: ${sqlError}`].filter(Boolean).join('; ');
  return {
    ioRunning: text(field(row, 'Replica_IO_Running', 'Slave_IO_Running')) === 'Yes',
    sqlRunning: text(field(row, 'Replica_SQL_Running', 'Slave_SQL_Running')) === 'Yes',
    lagSeconds: lag === null || lag === undefined || lag === '' ? null : Number(lag),
    lastError: lastError || null,
    source: `${text(field(row, 'Source_Host', 'Master_Host'))}:${text(field(row, 'Source_Port', 'Master_Port'))}`,
  };
}

/**
 * The replication threads of the server `db` connects to: null when it replicates from nothing.
 * Throws NO_PRIVILEGE when the user lacks REPLICATION CLIENT (MySQL) / SLAVE MONITOR (MariaDB):
 * the caller says "lag unknown" rather than guess.
 */
export async function readReplicationThreads(db: Database, timeoutMs?: number): Promise<ReplicationThreads | null> {
  let rows: StatusRow[];
  try {
    rows = await db.select<StatusRow>('replica.status', REPLICA_STATUS_SQL, { timeoutMs });
  } catch (error) {
    // a server older than the REPLICA spelling (MySQL before 8.0.22) refuses its syntax
    if (!(error instanceof PoolError) || error.details?.driverCode !== 'ER_PARSE_ERROR') throw error;
    rows = await db.select<StatusRow>('replica.status', SLAVE_STATUS_SQL, { timeoutMs });
  }
  // multi-source replication has one row per source; the console's replica has one
  const [row] = rows;
  return row ? threadsFromRow(row) : null;
}
