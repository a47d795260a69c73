import type { Transaction } from 'sequelize';
import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import { BATCH_SIZE } from '../pool/batches.js';
import { computeDeadline, DEFAULT_THRESHOLDS, deadlineLeadDays, loadThresholds, type Thresholds } from '../pool/deadline.js';
import { countedBatch } from '../pool/event-counts.js';
import type { AuditCounter } from '../audit/audit-log.js';
import { stopIfCancelled } from '../audit/cancel.js';
import type { BookingStatus, MeetingType, PoolMode, PoolStatus } from '../pool/pool-types.js';
import {
  LEGACY_OUTCOMES,
  type LegacyCounts,
  type LegacyImportLine,
  type LegacyImportPreview,
  type LegacyImportProgress,
  type LegacyImportResult,
  type LegacyOutcome,
} from '../../shared/results/maintenance.js';
import { parseLegacySnapshot, type LegacyEntry } from './legacy-snapshot.js';

export { LEGACY_OUTCOMES } from '../../shared/results/maintenance.js';
export type { LegacyCounts, LegacyImportLine, LegacyImportPreview, LegacyImportProgress, LegacyImportResult, LegacyOutcome } from '../../shared/results/maintenance.js';

/**
 * Importing the legacy in-memory pool's export into BOOKING_PLAN: a read-only preview that judges
 * every entry against the database, and an idempotent, batched apply. What the import decides
 * (the issue leaves these open):
 * - deadline stored: the entry's deadlineTime, else its decisionWindowTime, else computed from the
 *   booking's TIME_START with computeDeadline and the database's MEETING_TYPE_PRIORITY thresholds;
 * - mode stored: the entry's mode, else NORMAL (the preview line says so);
 * - entry time: the legacy poolEntryTime (history kept), attempts 0, no lease, no error;
 * - times are stored to the whole second (DATETIME), truncated, so MySQL and MariaDB agree;
 * - an entry already pooled is kept as it is, whatever the file says (never overwritten);
 * - a booking whose meeting has already started (database clock) counts as finished: it is past
 *   assigning, and the cleanup rule "meeting already started" would take it out again;
 * - invalid: the file's meeting type or start time (to the second) disagrees with the booking, the
 *   deadline field holds no date, or the deadline falls after the meeting's start.
 */

export interface LegacyApplyOptions {
  /** Called after each committed batch; awaited. If it throws, the import stops there (committed batches stay). */
  onProgress?: (progress: LegacyImportProgress) => void | Promise<void>;
  /** The audit row's counter: raised in each batch's own transaction, with the rows it pooled. */
  counter?: AuditCounter;
  /** The caller's cancel, honoured before each batch: the import stops CANCELLED with its batches committed. */
  signal?: AbortSignal;
}

/** The columns the judgement needs, for up to one batch of ids (primary key lookups, never MEETING_DETAIL). */
interface BookingRow {
  id: number;
  meetingType: MeetingType;
  timeStart: Date;
  bookingStatus: BookingStatus;
  interpreter: string | null;
  poolStatus: PoolStatus | null;
  started: number;
}

const DEFAULT_MODE: PoolMode = 'NORMAL';
const STATUS_WORDS: Record<BookingStatus, string> = { approve: 'approved', cancel: 'cancelled', complet: 'complete', waiting: 'waiting' };

/** Judges every entry against the database without changing anything. */
export async function previewLegacyImport(db: Database, snapshot: unknown): Promise<LegacyImportPreview> {
  const { entries } = parseLegacySnapshot(snapshot);
  const thresholds = await thresholdsFor(db, entries);
  const lines: LegacyImportLine[] = [];
  for (const batch of batchesOf(entries)) {
    lines.push(...(await judgeBatch(db, batch, thresholds)));
  }
  lines.sort((a, b) => a.index - b.index);
  return { total: entries.length, counts: countOutcomes(lines), entries: lines };
}

/**
 * Puts every `will-add` entry into the pool. Each batch of up to 1,000 entries is one transaction:
 * lock the batch's bookings, judge them, and one set-based UPDATE for those to add, conditional on
 * the booking still being out of the pool and assignable. Judging under the lock keeps the counts
 * exact when the whole transaction is retried (lost connection, deadlock), and the condition makes
 * a rerun after a crash skip what is already pooled: it finishes the job and duplicates nothing.
 * (Should a COMMIT succeed but its acknowledgement be lost, the retry counts that batch as
 * already pooled rather than added; no row is written twice either way.)
 */
export async function applyLegacyImport(db: Database, snapshot: unknown, options: LegacyApplyOptions = {}): Promise<LegacyImportResult> {
  const { entries } = parseLegacySnapshot(snapshot);
  const thresholds = await thresholdsFor(db, entries);
  const batches = batchesOf(entries);
  const result: LegacyImportResult = {
    total: entries.length,
    added: 0,
    alreadyPooled: 0,
    skipped: { 'booking-missing': 0, 'booking-finished': 0, invalid: 0 },
    batches: 0,
  };
  let processed = 0;
  for (const batch of batches) {
    stopIfCancelled(options.signal);
    const { lines, changed } = await db.transaction(async (transaction) => {
      const judged = await judgeBatch(db, batch, thresholds, transaction);
      const toAdd = judged.filter((line) => line.outcome === 'will-add');
      const rows = toAdd.length === 0 ? 0 : await addBatch(db, toAdd, batch, transaction);
      if (rows !== toAdd.length) {
        // The rows are locked, so this cannot happen unless something else is wrong: undo the batch.
        throw new PoolError('INTERNAL', `Legacy import: a batch changed ${rows} of the ${toAdd.length} locked bookings it should have pooled; the batch was rolled back.`);
      }
      await countedBatch(db, options.counter, 'entered', rows, transaction);
      return { lines: judged, changed: rows };
    });
    const counts = countOutcomes(lines);
    result.added += changed;
    result.alreadyPooled += counts['already-pooled'];
    result.skipped['booking-missing'] += counts['booking-missing'];
    result.skipped['booking-finished'] += counts['booking-finished'];
    result.skipped.invalid += counts.invalid;
    result.batches += 1;
    processed += batch.length;
    await options.onProgress?.({ batch: result.batches, batches: batches.length, processed, total: entries.length, added: result.added });
  }
  return result;
}

export function countOutcomes(lines: readonly LegacyImportLine[]): LegacyCounts {
  const counts = Object.fromEntries(LEGACY_OUTCOMES.map((outcome) => [outcome, 0])) as LegacyCounts;
  for (const line of lines) counts[line.outcome] += 1;
  return counts;
}

/** Batches in booking id order: primary-key locality, and locks always taken in the same order. */
function batchesOf(entries: readonly LegacyEntry[]): LegacyEntry[][] {
  const sorted = [...entries].sort((a, b) => a.bookingId - b.bookingId);
  const batches: LegacyEntry[][] = [];
  for (let offset = 0; offset < sorted.length; offset += BATCH_SIZE) batches.push(sorted.slice(offset, offset + BATCH_SIZE));
  return batches;
}

/** The database's thresholds, read only when some entry's deadline must be computed. */
async function thresholdsFor(db: Database, entries: readonly LegacyEntry[]): Promise<Record<MeetingType, Thresholds>> {
  return entries.some((entry) => entry.deadline.source === 'computed') ? loadThresholds(db) : DEFAULT_THRESHOLDS;
}

async function judgeBatch(
  db: Database,
  batch: readonly LegacyEntry[],
  thresholds: Record<MeetingType, Thresholds>,
  transaction?: Transaction,
): Promise<LegacyImportLine[]> {
  const rows = await db.select<BookingRow>(
    transaction ? 'legacy.import.lock' : 'legacy.import.preview',
    `SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart, BOOKING_STATUS AS bookingStatus,
            INTERPRETER_EMP_CODE AS interpreter, POOL_STATUS AS poolStatus, (TIME_START <= UTC_TIMESTAMP()) AS started
       FROM BOOKING_PLAN WHERE BOOKING_ID IN (:ids) LIMIT :limit${transaction ? ' FOR UPDATE' : ''}`,
    { replacements: { ids: batch.map((entry) => entry.bookingId), limit: batch.length }, transaction },
  );
  const byId = new Map(rows.map((row) => [Number(row.id), row]));
  return batch.map((entry) => judge(entry, byId.get(entry.bookingId), thresholds));
}

function judge(entry: LegacyEntry, booking: BookingRow | undefined, thresholds: Record<MeetingType, Thresholds>): LegacyImportLine {
  const line = (outcome: LegacyOutcome, detail: string, field?: string): LegacyImportLine =>
    field === undefined ? { index: entry.index, bookingId: entry.bookingId, outcome, detail } : { index: entry.index, bookingId: entry.bookingId, outcome, field, detail };

  if (!booking) return line('booking-missing', `booking ${entry.bookingId} does not exist`);
  if (booking.poolStatus !== null) return line('already-pooled', `already in the pool as '${booking.poolStatus}'; kept as it is`);
  if (booking.bookingStatus !== 'waiting') return line('booking-finished', `the booking is ${STATUS_WORDS[booking.bookingStatus] ?? booking.bookingStatus}`);
  if (booking.interpreter !== null) return line('booking-finished', `interpreter ${booking.interpreter} is already assigned`);
  if (Number(booking.started)) return line('booking-finished', `the meeting already started (${iso(booking.timeStart)})`);
  if (entry.meetingType !== booking.meetingType) {
    return line('invalid', `the file says '${entry.meetingType}', the booking is '${booking.meetingType}'`, 'meetingType');
  }
  // DATETIME keeps whole seconds; the legacy server kept milliseconds.
  if (Math.abs(entry.startTime.getTime() - booking.timeStart.getTime()) >= 1000) {
    return line('invalid', `the file says ${iso(entry.startTime)}, the booking starts at ${iso(booking.timeStart)}`, 'startTime');
  }
  const mode = entry.mode ?? DEFAULT_MODE;
  const { deadline: chosen } = entry;
  if (chosen.source !== 'computed' && chosen.time === null) return line('invalid', chosen.raw, chosen.source);
  const deadline = wholeSeconds(chosen.source === 'computed' ? computeDeadline(booking.timeStart, mode, thresholds[booking.meetingType]) : chosen.time);
  if (deadline.getTime() > booking.timeStart.getTime()) {
    return line('invalid', `deadline ${iso(deadline)} is after the meeting's start ${iso(booking.timeStart)}`, chosen.source === 'computed' ? 'deadline' : chosen.source);
  }
  const modeNote = entry.mode ? `mode ${mode}` : `mode ${mode} (the entry has none)`;
  const deadlineNote =
    chosen.source === 'computed'
      ? `deadline computed: start − ${deadlineLeadDays(mode, thresholds[booking.meetingType])} days (${mode}, ${booking.meetingType})`
      : `deadline from ${chosen.source}`;
  return { ...line('will-add', `${modeNote}; ${deadlineNote} ${iso(deadline)}`), deadline, mode };
}

/**
 * One UPDATE for the whole batch, joined to the batch's values as a derived table of
 * `SELECT … UNION ALL SELECT …` rows (accepted by MySQL 8 and MariaDB 10.6 alike). The WHERE
 * clause is what makes the import idempotent: only a booking still out of the pool and assignable
 * is changed.
 */
async function addBatch(db: Database, lines: readonly LegacyImportLine[], batch: readonly LegacyEntry[], transaction: Transaction): Promise<number> {
  const entryTimes = new Map(batch.map((entry) => [entry.bookingId, entry.poolEntryTime]));
  const values: unknown[] = [];
  for (const line of lines) {
    values.push(line.bookingId, sqlDateTime(wholeSeconds(entryTimes.get(line.bookingId)!)), sqlDateTime(line.deadline!), line.mode!);
  }
  const rows = lines.map((_, i) => (i === 0 ? 'SELECT ? AS id, ? AS entry_time, ? AS deadline, ? AS pool_mode' : 'SELECT ?, ?, ?, ?'));
  return db.execute(
    'legacy.import.apply',
    `UPDATE BOOKING_PLAN AS b
       JOIN (${rows.join(' UNION ALL ')}) AS v ON b.BOOKING_ID = v.id
        SET b.POOL_STATUS = 'waiting', b.POOL_ENTRY_TIME = v.entry_time, b.POOL_DEADLINE_TIME = v.deadline,
            b.POOL_PROCESSING_ATTEMPTS = 0, b.POOL_MODE = v.pool_mode,
            b.POOL_CLAIMED_BY = NULL, b.POOL_CLAIMED_AT = NULL, b.POOL_LAST_ERROR = NULL
      WHERE b.POOL_STATUS IS NULL AND b.BOOKING_STATUS = 'waiting' AND b.INTERPRETER_EMP_CODE IS NULL`,
    { replacements: values, transaction },
  );
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** 'YYYY-MM-DD HH:MM:SS' in UTC: a literal both servers read the same way (the session is UTC). */
function sqlDateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function iso(date: Date): string {
  return date.toISOString();
}
