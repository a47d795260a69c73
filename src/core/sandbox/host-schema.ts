/**
 * The host application's schema (DOMAIN.md) in the three shapes real databases come in.
 * The pool columns appear only where a variant says so. The sandbox creates its demo database
 * from it; the tests build their databases from it too (test/fixtures/host-schema.ts).
 */
export type HostVariant = 'bare' | 'host-orm' | 'summary-indexes';

export const HOST_VARIANTS: readonly HostVariant[] = ['bare', 'host-orm', 'summary-indexes'];

const BUSINESS_COLUMNS = `
  BOOKING_ID INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  OWNER_EMP_CODE VARCHAR(64) NOT NULL,
  OWNER_GROUP ENUM('iot','hardware','software','other') NOT NULL,
  MEETING_ROOM VARCHAR(50) NOT NULL,
  MEETING_TYPE ENUM('DR','VIP','Weekly','General','Augent','Other') NOT NULL,
  MEETING_DETAIL TEXT NULL,
  TIME_START DATETIME NOT NULL,
  TIME_END DATETIME NOT NULL,
  INTERPRETER_EMP_CODE VARCHAR(64) NULL,
  BOOKING_STATUS ENUM('approve','cancel','waiting','complet') NOT NULL DEFAULT 'waiting',
  created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
  updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP`;

const POOL_COLUMNS = (attemptsNullable: boolean) => `,
  POOL_STATUS ENUM('waiting','ready','processing','failed') NULL,
  POOL_ENTRY_TIME DATETIME NULL,
  POOL_DEADLINE_TIME DATETIME NULL,
  POOL_PROCESSING_ATTEMPTS INT ${attemptsNullable ? 'NULL' : 'NOT NULL'} DEFAULT 0`;

const HOST_ORM_INDEXES = `,
  KEY BOOKING_PLAN_POOL_STATUS_idx (POOL_STATUS),
  KEY BOOKING_PLAN_POOL_DEADLINE_TIME_idx (POOL_DEADLINE_TIME),
  KEY BOOKING_PLAN_POOL_STATUS_POOL_DEADLINE_TIME_idx (POOL_STATUS, POOL_DEADLINE_TIME)`;

const SUMMARY_INDEXES = `,
  KEY idx_pool_status (POOL_STATUS),
  KEY idx_pool_deadline (POOL_DEADLINE_TIME),
  KEY idx_pool_ready (POOL_STATUS, POOL_DEADLINE_TIME),
  KEY idx_pool_entry_time (POOL_ENTRY_TIME),
  KEY idx_pool_processing (POOL_STATUS, POOL_ENTRY_TIME)`;

const MEETING_TYPE_PRIORITY_TABLE = `
CREATE TABLE MEETING_TYPE_PRIORITY (
  MEETING_TYPE ENUM('DR','VIP','Weekly','General','Augent','Other') NOT NULL PRIMARY KEY,
  PRIORITY_VALUE INT NOT NULL,
  URGENT_THRESHOLD_DAYS INT NOT NULL,
  GENERAL_THRESHOLD_DAYS INT NOT NULL
) ENGINE=InnoDB`;

const MEETING_TYPE_PRIORITY_ROWS = `
INSERT INTO MEETING_TYPE_PRIORITY VALUES
  ('DR',5,1,7),('VIP',4,2,14),('Weekly',3,3,30),('General',2,3,30),('Augent',2,3,30),('Other',1,5,45)`;

export const MEETING_TYPE_PRIORITY_SQL = `${MEETING_TYPE_PRIORITY_TABLE};${MEETING_TYPE_PRIORITY_ROWS};`;

export function bookingPlanSql(variant: HostVariant): string {
  const pool = variant === 'bare' ? '' : POOL_COLUMNS(variant === 'host-orm');
  const indexes = variant === 'host-orm' ? HOST_ORM_INDEXES : variant === 'summary-indexes' ? SUMMARY_INDEXES : '';
  return `CREATE TABLE BOOKING_PLAN (${BUSINESS_COLUMNS}${pool}${indexes}\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;`;
}

/** Some bookings of every type and status; in variants with pool columns, some of them pooled. */
export function seedSql(variant: HostVariant, rows = 60): string {
  const types = ['DR', 'VIP', 'Weekly', 'General', 'Augent', 'Other'];
  const groups = ['iot', 'hardware', 'software', 'other'];
  const statuses = ['waiting', 'approve', 'cancel', 'complet'];
  const values = Array.from({ length: rows }, (_, i) => {
    const start = `DATE_ADD('2026-12-01 09:00:00', INTERVAL ${i * 7} HOUR)`;
    return `('E${1000 + i}', '${groups[i % 4]}', 'Room ${i % 9}', '${types[i % 6]}', ${i % 5 === 0 ? 'NULL' : `'detail ${i}'`}, ${start}, DATE_ADD(${start}, INTERVAL 1 HOUR), ${i % 7 === 0 ? `'I${i}'` : 'NULL'}, '${statuses[i % 4]}')`;
  });
  const insert = `INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, MEETING_DETAIL, TIME_START, TIME_END, INTERPRETER_EMP_CODE, BOOKING_STATUS) VALUES\n${values.join(',\n')};`;
  if (variant === 'bare') return insert;
  return `${insert}
UPDATE BOOKING_PLAN SET POOL_STATUS = 'waiting', POOL_ENTRY_TIME = '2026-11-20 08:00:00',
  POOL_DEADLINE_TIME = DATE_SUB(TIME_START, INTERVAL 3 DAY), POOL_PROCESSING_ATTEMPTS = ${variant === 'host-orm' ? 'NULL' : '0'}
 WHERE BOOKING_STATUS = 'waiting' AND INTERPRETER_EMP_CODE IS NULL;`;
}

/** The whole host schema of one variant, seeded: run with multipleStatements. */
export function hostSchemaSql(variant: HostVariant, rows = 60): string {
  return [MEETING_TYPE_PRIORITY_SQL, bookingPlanSql(variant), seedSql(variant, rows)].join('\n');
}

/**
 * The host's tables of one variant, empty of bookings, one statement each: for a connection
 * without multipleStatements (the library's Database runs one statement per call).
 */
export function hostTableStatements(variant: HostVariant): string[] {
  return [MEETING_TYPE_PRIORITY_TABLE, MEETING_TYPE_PRIORITY_ROWS, bookingPlanSql(variant).replace(/;\s*$/, '')].map((sql) => sql.trim());
}
