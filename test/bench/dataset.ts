import type mysql from 'mysql2/promise';
import { performance } from 'node:perf_hooks';
import { Database } from '../../src/core/db/database.js';
import { PoolMigrator } from '../../src/core/schema/migrator.js';
import { bookingPlanSql, MEETING_TYPE_PRIORITY_SQL } from '../fixtures/host-schema.js';
import type { BenchServer } from './server.js';

export interface DatasetShape {
  bookings: number;
  pooled: number;
}

/**
 * How the generated rows are laid out. Booking n (1-based) has r = (n-1) % stride and
 * k = (n-1) DIV stride; for k < pooled, r = 0 is a pooled entry, r = 1 a booking the reset step
 * turns into a stuck lease, r = 2 a booking the import step pools. Everything else is an ordinary
 * booking in a mix of business states. Pooled entries spread over the whole table, like real ones.
 *
 * Pooled entry k falls in bucket k % 20: 0–8 waiting past its deadline, 9 ready, 10–16 waiting
 * with a deadline 1–29 days ahead, 17–18 processing with a fresh lease, 19 failed. So half the
 * pool is eligible, as in DOMAIN.md (the first system's ready query returned ≈ 50,000 of 100,000).
 * Times are relative to `anchor`, the database clock at build time, so a reset restores exactly
 * the same rows and the eligible set does not drift during a run (future deadlines are ≥ 1 day away).
 */
export interface Dataset {
  database: string;
  shape: DatasetShape;
  stride: number;
  /** 'YYYY-MM-DD HH:MM:SS' UTC. */
  anchor: string;
  /** Whole build: insert, migrations, pooling, ANALYZE. */
  buildMs: number;
  /** The pool migrations on the filled table (columns and indexes). */
  migrateMs: number;
  counts: { eligible: number; waiting: number; ready: number; processing: number; failed: number };
}

const CHUNK = 100_000;

export function strideOf(shape: DatasetShape): number {
  const stride = Math.floor(shape.bookings / shape.pooled);
  if (stride < 4) throw new Error(`--pooled ${shape.pooled} is too many for --bookings ${shape.bookings}: at most a quarter of the bookings can be pooled.`);
  return stride;
}

/**
 * Whether booking `id` is an ordinary booking: never pooled, and not one the reset or import step
 * uses (see Dataset). Writing its business columns changes nothing the pool measurements read.
 */
export function isOrdinaryBooking(dataset: Pick<Dataset, 'shape' | 'stride'>, id: number): boolean {
  const r = (id - 1) % dataset.stride;
  const k = Math.floor((id - 1) / dataset.stride);
  return r > 2 || k >= dataset.shape.pooled;
}

/** SQL fragments over a booking id expression `n`. */
function layout(shape: DatasetShape, anchor: string) {
  const stride = strideOf(shape);
  const t0 = `CAST('${anchor}' AS DATETIME)`;
  const r = (n: string) => `((${n} - 1) % ${stride})`;
  const k = (n: string) => `((${n} - 1) DIV ${stride})`;
  const inRole = (n: string, role: number) => `(${r(n)} = ${role} AND ${k(n)} < ${shape.pooled})`;
  const bucket = (n: string) => `(${k(n)} % 20)`;
  const jitter = (n: string) => `((${k(n)} * 7919) % 604800)`;
  const deadline = (n: string) => `CASE
      WHEN ${bucket(n)} = 9 THEN ${t0} + INTERVAL (${jitter(n)} - 302400) SECOND
      WHEN ${bucket(n)} BETWEEN 10 AND 16 THEN ${t0} + INTERVAL (86400 + ${jitter(n)} * 4) SECOND
      ELSE ${t0} - INTERVAL (60 + ${jitter(n)}) SECOND END`;
  const pooled = (n: string, value: string) => `IF(${inRole(n, 0)}, ${value}, NULL)`;
  /** Column → value of the baseline pool state (NULL for bookings not pooled). */
  const poolColumns = (n: string): [string, string][] => [
    ['POOL_STATUS', pooled(n, `CASE WHEN ${bucket(n)} = 9 THEN 'ready' WHEN ${bucket(n)} IN (17, 18) THEN 'processing' WHEN ${bucket(n)} = 19 THEN 'failed' ELSE 'waiting' END`)],
    ['POOL_DEADLINE_TIME', pooled(n, deadline(n))],
    ['POOL_ENTRY_TIME', pooled(n, `LEAST(${deadline(n)}, ${t0}) - INTERVAL (3600 + (${k(n)} * 104729) % 864000) SECOND`)],
    ['POOL_PROCESSING_ATTEMPTS', `IF(${inRole(n, 0)}, CASE WHEN ${bucket(n)} IN (17, 18) THEN 1 WHEN ${bucket(n)} = 19 THEN 1 + ${k(n)} % 3 WHEN ${bucket(n)} = 9 THEN ${k(n)} % 2 ELSE 0 END, 0)`],
    ['POOL_MODE', pooled(n, `ELT(1 + (${k(n)} DIV 20) % 4, 'BALANCE', 'URGENT', 'NORMAL', 'CUSTOM')`)],
    ['POOL_CLAIMED_BY', pooled(n, `IF(${bucket(n)} IN (17, 18), CONCAT('worker-', ${k(n)} % 8), NULL)`)],
    ['POOL_CLAIMED_AT', pooled(n, `IF(${bucket(n)} IN (17, 18), ${t0} - INTERVAL (${k(n)} % 600) SECOND, NULL)`)],
    ['POOL_LAST_ERROR', pooled(n, `IF(${bucket(n)} = 19, 'bench: interpreter service unavailable', NULL)`)],
  ];
  return { stride, t0, r, k, inRole, bucket, deadline, poolColumns };
}

async function scalar(admin: mysql.Connection, sql: string): Promise<string> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(sql);
  return String(Object.values(rows[0] ?? {})[0]);
}

/** Runs `statement(lo, hi)` over the booking ids in ranges of 100,000. */
async function inIdRanges(bookings: number, statement: (lo: number, hi: number) => Promise<unknown>): Promise<void> {
  for (let lo = 1; lo <= bookings; lo += CHUNK) await statement(lo, Math.min(lo + CHUNK - 1, bookings));
}

/** Creates database `name` with the host schema, migrates it, and fills it; see Dataset. */
export async function buildDataset(server: BenchServer, database: string, shape: DatasetShape, log: (line: string) => void): Promise<Dataset> {
  const root = await server.admin();
  try {
    await root.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4`);
  } finally {
    await root.end();
  }
  const admin = await server.admin(database);
  try {
    const started = performance.now();
    await admin.query(`${MEETING_TYPE_PRIORITY_SQL}\n${bookingPlanSql('bare')}`);
    // 1..100,000 from five cross-joined digit tables: the number sequence every chunk selects from.
    await admin.query(`
      CREATE TABLE BENCH_DIGITS (d TINYINT NOT NULL PRIMARY KEY);
      INSERT INTO BENCH_DIGITS VALUES (0),(1),(2),(3),(4),(5),(6),(7),(8),(9);
      CREATE TABLE BENCH_SEQ (n INT NOT NULL PRIMARY KEY);
      INSERT INTO BENCH_SEQ SELECT 1 + a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d
        FROM BENCH_DIGITS a CROSS JOIN BENCH_DIGITS b CROSS JOIN BENCH_DIGITS c CROSS JOIN BENCH_DIGITS e CROSS JOIN BENCH_DIGITS f;`);
    const anchor = await scalar(admin, "SELECT DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:%i:%s')");
    const l = layout(shape, anchor);
    const special = `(${l.r('n')} <= 2 AND ${l.k('n')} < ${shape.pooled})`;
    // pooled: three days after the deadline; reset/import bookings: 5–125 days ahead; others: −60 to +120 days
    const start = `CASE WHEN ${l.inRole('n', 0)} THEN ${l.deadline('n')} + INTERVAL 3 DAY
                        WHEN ${special} THEN ${l.t0} + INTERVAL (432000 + (n * 7919) % 10368000) SECOND
                        ELSE ${l.t0} + INTERVAL ((n * 7919) % 15552000 - 5184000) SECOND END`;
    // The order a real table went through: bookings first, then the pool's migrations on the
    // filled table, then bookings entering the pool one UPDATE at a time (here: by id range).
    await inIdRanges(shape.bookings, async (lo, hi) => {
      await admin.query(`
        INSERT INTO BOOKING_PLAN (BOOKING_ID, OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, MEETING_DETAIL,
               TIME_START, TIME_END, INTERPRETER_EMP_CODE, BOOKING_STATUS)
        SELECT n, CONCAT('E', n % 5000), ELT(1 + n % 4, 'iot', 'hardware', 'software', 'other'), CONCAT('Room ', n % 50),
               ELT(1 + (n DIV 7) % 6, 'DR', 'VIP', 'Weekly', 'General', 'Augent', 'Other'),
               IF(n % 3 = 0, REPEAT('Agenda, attendees and notes for the interpreter. ', 5), NULL),
               st, st + INTERVAL 1 HOUR,
               IF(NOT ${special} AND n % 4 IN (0, 3), CONCAT('I', n % 300), NULL),
               IF(${special}, 'waiting', ELT(1 + n % 4, 'approve', 'cancel', 'waiting', 'complet'))
          FROM (SELECT n, ${start} AS st FROM (SELECT ${lo - 1} + n AS n FROM BENCH_SEQ WHERE n <= ${hi - lo + 1}) q) x`);
    });
    const inserted = performance.now();
    const db = new Database(server.profile(database));
    try {
      await new PoolMigrator(db).up();
    } finally {
      await db.close();
    }
    const migrated = performance.now();
    const partial: Dataset = { database, shape, stride: l.stride, anchor, buildMs: 0, migrateMs: migrated - inserted, counts: { eligible: 0, waiting: 0, ready: 0, processing: 0, failed: 0 } };
    await resetPool(admin, partial, { settle: false });
    await admin.query('ANALYZE TABLE BOOKING_PLAN');
    const dataset: Dataset = { ...partial, buildMs: performance.now() - started, counts: await poolCounts(admin) };
    await recordSpareRows(admin, dataset);
    log(
      `built ${database}: ${shape.bookings.toLocaleString('en')} bookings, ${shape.pooled.toLocaleString('en')} pooled ` +
        `(${dataset.counts.eligible.toLocaleString('en')} eligible) in ${(dataset.buildMs / 1000).toFixed(1)} s ` +
        `(insert ${((inserted - started) / 1000).toFixed(1)} s, migrations ${((migrated - inserted) / 1000).toFixed(1)} s, pooling ${((performance.now() - migrated) / 1000).toFixed(1)} s)`,
    );
    return dataset;
  } finally {
    await admin.end();
  }
}

export async function poolCounts(admin: mysql.Connection): Promise<Dataset['counts']> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`
    SELECT COALESCE(SUM(POOL_STATUS = 'waiting'), 0) AS waiting, COALESCE(SUM(POOL_STATUS = 'ready'), 0) AS ready,
           COALESCE(SUM(POOL_STATUS = 'processing'), 0) AS processing, COALESCE(SUM(POOL_STATUS = 'failed'), 0) AS failed,
           COALESCE(SUM(POOL_STATUS = 'ready' OR (POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME <= UTC_TIMESTAMP())), 0) AS eligible
      FROM BOOKING_PLAN WHERE POOL_STATUS IS NOT NULL`);
  const row = rows[0];
  return { eligible: Number(row?.eligible), waiting: Number(row?.waiting), ready: Number(row?.ready), processing: Number(row?.processing), failed: Number(row?.failed) };
}

/** BENCH_SPARE: the ids and k of the reset-step (role 1) and import-step (role 2) bookings. */
async function recordSpareRows(admin: mysql.Connection, dataset: Dataset): Promise<void> {
  const l = layout(dataset.shape, dataset.anchor);
  await admin.query(`CREATE TABLE BENCH_SPARE (BOOKING_ID INT NOT NULL PRIMARY KEY, ROLE TINYINT NOT NULL, K INT NOT NULL, KEY (ROLE, BOOKING_ID)) ENGINE=InnoDB;`);
  for (const role of [1, 2]) {
    await admin.query(`
      INSERT INTO BENCH_SPARE SELECT id, ${role}, (id - 1) DIV ${l.stride}
        FROM (SELECT (n - 1) * ${l.stride} + ${role + 1} AS id FROM BENCH_SEQ WHERE n <= ${dataset.shape.pooled}) q
       WHERE id <= ${dataset.shape.bookings}`);
  }
}

/**
 * Puts the pool back to the built state (claims, resets, imports undone): pooled entries get their
 * built columns again, every other booking leaves the pool. Single-table UPDATEs over id ranges:
 * a multi-table UPDATE would need a server temp file. Unchanged rows are not written.
 */
export async function resetPool(admin: mysql.Connection, dataset: Dataset, options: { settle?: boolean } = {}): Promise<void> {
  const l = layout(dataset.shape, dataset.anchor);
  const assignments = l.poolColumns('BOOKING_ID').map(([column, value]) => `${column} = ${value}`).join(',\n ');
  await inIdRanges(dataset.shape.bookings, (lo, hi) =>
    admin.query(`UPDATE BOOKING_PLAN SET ${assignments}
                  WHERE BOOKING_ID BETWEEN ${lo} AND ${hi} AND (${l.inRole('BOOKING_ID', 0)} OR POOL_STATUS IS NOT NULL)`),
  );
  if (options.settle !== false) await settle(admin);
}

/** Waits (up to 30 s) until purge has caught up with the undo of the last run, so it does not bleed into the next measurement. */
async function settle(admin: mysql.Connection): Promise<void> {
  for (let i = 0; i < 60; i += 1) {
    const [rows] = await admin.query<mysql.RowDataPacket[]>("SHOW ENGINE INNODB STATUS");
    const length = Number(/History list length (\d+)/.exec(String(rows[0]?.Status ?? ''))?.[1] ?? 0);
    if (length < 1000) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * Turns the reset-step bookings (role 1) into `processing` entries whose worker died two to three
 * hours ago: an old lease (POOL_CLAIMED_AT) and, for the first system's reset, an old updated_at.
 * Their deadlines lie days ahead, so once reset they do not join the claimers' eligible set.
 */
export async function makeStuckLeases(admin: mysql.Connection, dataset: Dataset): Promise<number> {
  const t0 = `CAST('${dataset.anchor}' AS DATETIME)`;
  const k = `((BOOKING_ID - 1) DIV ${dataset.stride})`;
  const old = `${t0} - INTERVAL (7200 + ${k} % 3600) SECOND`;
  const [result] = await admin.query<mysql.ResultSetHeader>(`
    UPDATE BOOKING_PLAN
       SET POOL_STATUS = 'processing', POOL_ENTRY_TIME = ${t0} - INTERVAL 3 DAY,
           POOL_DEADLINE_TIME = ${t0} + INTERVAL (172800 + ${k}) SECOND, POOL_PROCESSING_ATTEMPTS = 1,
           POOL_MODE = 'NORMAL', POOL_CLAIMED_BY = CONCAT('dead-worker-', ${k} % 8), POOL_CLAIMED_AT = ${old},
           POOL_LAST_ERROR = NULL, updated_at = ${old}
     WHERE BOOKING_ID IN (SELECT BOOKING_ID FROM BENCH_SPARE WHERE ROLE = 1)`);
  await settle(admin);
  return result.affectedRows;
}

export interface ImportCandidate {
  bookingId: number;
  meetingType: string;
  startTime: string;
  endTime: string;
  priorityValue: number;
  urgentThresholdDays: number;
  generalThresholdDays: number;
}

/** The import-step bookings (r = 2) with their meeting type's priority row, in id order. */
export async function importCandidates(admin: mysql.Connection): Promise<ImportCandidate[]> {
  const [rows] = await admin.query<mysql.RowDataPacket[]>(`
    SELECT b.BOOKING_ID AS bookingId, b.MEETING_TYPE AS meetingType,
           DATE_FORMAT(b.TIME_START, '%Y-%m-%dT%H:%i:%sZ') AS startTime, DATE_FORMAT(b.TIME_END, '%Y-%m-%dT%H:%i:%sZ') AS endTime,
           p.PRIORITY_VALUE AS priorityValue, p.URGENT_THRESHOLD_DAYS AS urgentThresholdDays, p.GENERAL_THRESHOLD_DAYS AS generalThresholdDays
      FROM BENCH_SPARE s JOIN BOOKING_PLAN b ON b.BOOKING_ID = s.BOOKING_ID JOIN MEETING_TYPE_PRIORITY p ON p.MEETING_TYPE = b.MEETING_TYPE
     WHERE s.ROLE = 2 ORDER BY s.BOOKING_ID`);
  return rows.map((row) => ({ ...(row as ImportCandidate), bookingId: Number(row.bookingId) }));
}
