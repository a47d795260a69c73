import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { bookingIdSchema, MEETING_TYPES, POOL_MODES, type MeetingType, type PoolMode } from '../pool/pool-types.js';

/**
 * The legacy in-memory pool's export (DOMAIN.md, "The legacy memory pool, for import"): what a
 * running legacy server could hand over as JSON. Accepted containers:
 *   { entries: [entry, …] }        an export object (other top-level keys are ignored)
 *   [entry, …]                     a bare array
 *   [[bookingId, entry], …]        `JSON.stringify([...map])` of the legacy Map
 * Entry shape 1: bookingId, meetingType, startTime, endTime, priorityValue, urgentThresholdDays,
 * generalThresholdDays, poolEntryTime, decisionWindowTime. Shape 2 adds mode, thresholdDays,
 * deadlineTime, batchId, processingPriority. Dates are ISO 8601 date-times WITH a time zone
 * (what `JSON.stringify(date)` writes), or epoch milliseconds. decisionWindowTime may be absent
 * too: with neither deadline field, the import computes the deadline from the booking.
 *
 * The whole file is checked here before anything touches the database; any structural fault
 * fails it with INVALID_INPUT naming the entry and the field. The one exception is the value of a
 * deadline field (deadlineTime, decisionWindowTime): the legacy server computed those, and
 * `JSON.stringify` writes an Invalid Date as null, so a deadline that is not a date is a fault of
 * that one entry (reported as `invalid` by the import preview), not of the file.
 */

export type LegacyEntryShape = 'basic' | 'enhanced';

/** Where the deadline to store comes from: the first of these the entry has. */
export type LegacyDeadlineSource = 'deadlineTime' | 'decisionWindowTime' | 'computed';

export type LegacyDeadline =
  | { source: 'deadlineTime' | 'decisionWindowTime'; time: Date }
  /** The field is there but holds no date (null is JSON's rendering of an Invalid Date). */
  | { source: 'deadlineTime' | 'decisionWindowTime'; time: null; raw: string }
  /** Neither field: computed from the booking's TIME_START by the import (computeDeadline). */
  | { source: 'computed' };

export interface LegacyEntry {
  /** Position in the file's entry list, 0-based. */
  index: number;
  bookingId: number;
  shape: LegacyEntryShape;
  meetingType: MeetingType;
  startTime: Date;
  endTime: Date;
  poolEntryTime: Date;
  /** The entry's own mode; null when it has none (shape 1). */
  mode: PoolMode | null;
  deadline: LegacyDeadline;
  priorityValue: number;
  urgentThresholdDays: number;
  generalThresholdDays: number;
  thresholdDays: number | null;
  batchId: string | null;
  processingPriority: number | null;
}

export interface LegacySnapshotProblem {
  index: number;
  bookingId: number | null;
  field: string;
  message: string;
}

const DATE_HINT = 'expected an ISO 8601 date-time with a time zone (e.g. 2026-12-01T09:00:00.000Z) or epoch milliseconds';
// The DATETIME range both MySQL and MariaDB store.
const EARLIEST = Date.UTC(1000, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);
// ISO 8601 date-time with a zone, as JSON.stringify writes it (z.iso.datetime({ offset: true })
// accepts the same); a plain regex because it runs some 400,000 times for 100,000 entries.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** A Date, or why the value is not one. A zone-less time is refused: its meaning depends on the reader's machine. */
function toLegacyDate(value: string | number): Date | string {
  const shown = () => `'${String(value).slice(0, 60)}'`;
  if (typeof value === 'string' && !(ISO_DATE_TIME.test(value) && isCalendarDay(value))) return `${shown()} is not a date: ${DATE_HINT}`;
  if (typeof value === 'number' && !Number.isInteger(value)) return `${shown()} is not a date: ${DATE_HINT}`;
  const date = new Date(value);
  const time = date.getTime();
  if (Number.isNaN(time)) return `${shown()} is not a date: ${DATE_HINT}`;
  if (time < EARLIEST || time > LATEST) return `${shown()} is outside the dates a DATETIME column holds (years 1000-9999)`;
  return date;
}

/** Date parsing rolls 2026-02-30 over to March 2nd; the file's day must exist. */
function isCalendarDay(text: string): boolean {
  const [year, month, day] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

// The schema checks types only; dates are converted after it (toLegacyDate). A zod transform per
// date field made parsing 100,000 entries several times slower than the rest of it.
const dateValue = z.union([z.string(), z.number()], { error: DATE_HINT });
const deadlineValue = z.union([z.string(), z.number(), z.null()], { error: `${DATE_HINT}, or null` });
const count = z.number().int().min(0).max(100_000);

const entrySchema = z.object({
  bookingId: bookingIdSchema,
  meetingType: z.enum(MEETING_TYPES),
  startTime: dateValue,
  endTime: dateValue,
  priorityValue: z.number().int().min(-100_000).max(100_000),
  urgentThresholdDays: count,
  generalThresholdDays: count,
  poolEntryTime: dateValue,
  decisionWindowTime: deadlineValue.optional(),
  // shape 2
  mode: z.enum(POOL_MODES).optional(),
  thresholdDays: count.optional(),
  deadlineTime: deadlineValue.optional(),
  batchId: z.union([z.string().max(200), z.number()]).nullable().optional(),
  processingPriority: z.number().min(-1_000_000).max(1_000_000).optional(),
});
type ParsedEntry = z.output<typeof entrySchema>;

const DATE_FIELDS = ['startTime', 'endTime', 'poolEntryTime'] as const;
const SHAPE_2_FIELDS = ['mode', 'thresholdDays', 'deadlineTime', 'batchId', 'processingPriority'] as const;
const MAP_KEY = z.union([z.number(), z.string().regex(/^\d+$/)]).pipe(z.coerce.number()).pipe(bookingIdSchema);
const MAX_PROBLEMS_LISTED = 20;

/** The validated export: build with parseLegacySnapshot, then preview or apply it. */
export class LegacySnapshot {
  constructor(readonly entries: readonly LegacyEntry[]) {}
}

/**
 * Parses and validates a legacy export (its JSON text, or the value JSON.parse gave). Throws
 * INVALID_INPUT naming the first faulty entry (index, booking id if known, field), with up to 20
 * problems in `details.problems`; nothing is imported from a file that fails here.
 */
export function parseLegacySnapshot(input: unknown): LegacySnapshot {
  if (input instanceof LegacySnapshot) return input;
  const value = typeof input === 'string' ? parseJson(input) : input;
  const items = topLevelEntries(value);

  const entries: LegacyEntry[] = [];
  const problems: LegacySnapshotProblem[] = [];
  let problemCount = 0;
  const report = (problem: LegacySnapshotProblem) => {
    problemCount += 1;
    if (problems.length < MAX_PROBLEMS_LISTED) problems.push(problem);
  };
  const firstIndexOf = new Map<number, number>();

  items.forEach((item, index) => {
    const candidate = unwrapMapPair(item, index, report);
    if (!candidate) return;
    const { raw, key } = candidate;
    const knownId = key ?? idOf(raw);
    const result = entrySchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path.map(String).join('.') || '(entry)';
        const missing = issue.path.length > 0 && (raw as Record<string, unknown>)[String(issue.path[0])] === undefined;
        report({ index, bookingId: knownId, field, message: missing ? 'is missing' : issue.message });
      }
      return;
    }
    const entry = result.data;
    if (key !== null && key !== entry.bookingId) {
      report({ index, bookingId: key, field: 'bookingId', message: `${entry.bookingId} differs from the map key ${key}` });
      return;
    }
    const earlier = firstIndexOf.get(entry.bookingId);
    if (earlier !== undefined) {
      report({ index, bookingId: entry.bookingId, field: 'bookingId', message: `duplicate: booking ${entry.bookingId} is also entry ${earlier}` });
      return;
    }
    const dates = {} as Record<(typeof DATE_FIELDS)[number], Date>;
    let datesOk = true;
    for (const field of DATE_FIELDS) {
      const date = toLegacyDate(entry[field]);
      if (typeof date === 'string') {
        report({ index, bookingId: entry.bookingId, field, message: date });
        datesOk = false;
      } else dates[field] = date;
    }
    if (!datesOk) return;
    firstIndexOf.set(entry.bookingId, index);
    entries.push(normalise(entry, dates, index, raw as Record<string, unknown>));
  });

  if (problemCount > 0) {
    const first = problems[0]!;
    const booking = first.bookingId === null ? '' : ` (booking ${first.bookingId})`;
    const more = problemCount > 1 ? ` ${problemCount} problems in all; nothing was imported.` : ' Nothing was imported.';
    throw new PoolError(
      'INVALID_INPUT',
      `Invalid legacy pool export: entry ${first.index}${booking}, field '${first.field}': ${first.message}.${more}`,
      { problems, problemCount },
    );
  }
  return new LegacySnapshot(entries);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PoolError('INVALID_INPUT', `The legacy pool export is not JSON: ${(error as Error).message}. Nothing was imported.`);
  }
}

function topLevelEntries(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object' && Array.isArray((value as { entries?: unknown }).entries)) {
    return (value as { entries: unknown[] }).entries;
  }
  const found = value === null ? 'null' : typeof value === 'object' ? `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}` : typeof value;
  throw new PoolError(
    'INVALID_INPUT',
    `The legacy pool export must be an object with an 'entries' array, an array of entries, or the [[bookingId, entry], …] form of a Map; found ${found}. Nothing was imported.`,
  );
}

/** `[key, entry]` from a serialised Map, or a plain entry object. */
function unwrapMapPair(
  item: unknown,
  index: number,
  report: (problem: LegacySnapshotProblem) => void,
): { raw: unknown; key: number | null } | null {
  if (!Array.isArray(item)) {
    if (item && typeof item === 'object') return { raw: item, key: null };
    report({ index, bookingId: null, field: '(entry)', message: `expected an entry object or a [bookingId, entry] pair, found ${item === null ? 'null' : typeof item}` });
    return null;
  }
  const key = MAP_KEY.safeParse(item[0]);
  if (item.length !== 2 || !key.success || !item[1] || typeof item[1] !== 'object' || Array.isArray(item[1])) {
    report({ index, bookingId: key.success ? key.data : null, field: '(entry)', message: 'expected a [bookingId, entry] pair (a serialised Map) with a positive integer key and an entry object' });
    return null;
  }
  // A Map's value normally repeats its key as bookingId; where it does not, the key supplies it.
  return { raw: { bookingId: key.data, ...(item[1] as object) }, key: key.data };
}

function idOf(raw: unknown): number | null {
  const id = (raw as { bookingId?: unknown }).bookingId;
  return typeof id === 'number' && Number.isInteger(id) ? id : null;
}

function normalise(entry: ParsedEntry, dates: Record<(typeof DATE_FIELDS)[number], Date>, index: number, raw: Record<string, unknown>): LegacyEntry {
  return {
    index,
    bookingId: entry.bookingId,
    shape: SHAPE_2_FIELDS.some((field) => raw[field] !== undefined) ? 'enhanced' : 'basic',
    meetingType: entry.meetingType,
    startTime: dates.startTime,
    endTime: dates.endTime,
    poolEntryTime: dates.poolEntryTime,
    mode: entry.mode ?? null,
    deadline: chooseDeadline(entry),
    priorityValue: entry.priorityValue,
    urgentThresholdDays: entry.urgentThresholdDays,
    generalThresholdDays: entry.generalThresholdDays,
    thresholdDays: entry.thresholdDays ?? null,
    batchId: entry.batchId === undefined || entry.batchId === null ? null : String(entry.batchId),
    processingPriority: entry.processingPriority ?? null,
  };
}

/**
 * deadlineTime (shape 2's per-mode deadline) if the entry has the field, else decisionWindowTime,
 * else computed later from the booking. A field that is present but holds no date is not skipped
 * in favour of the next one: the legacy server's own deadline was broken, and the preview says so.
 */
function chooseDeadline(entry: ParsedEntry): LegacyDeadline {
  for (const source of ['deadlineTime', 'decisionWindowTime'] as const) {
    const value = entry[source];
    if (value === undefined) continue;
    const time = value === null ? 'null (an Invalid Date in the legacy server)' : toLegacyDate(value);
    return typeof time === 'string' ? { source, time: null, raw: time } : { source, time };
  }
  return { source: 'computed' };
}
