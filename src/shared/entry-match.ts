import { z } from 'zod';
import { bookingIdSchema, MEETING_TYPES, modeSchema, OWNER_GROUPS, ownerSchema, statusSchema } from './pool-types.js';

/*
 * Which pool entries a filter matches: one definition for the Entries list, search, bulk actions
 * and the CLI, so a preview, a page and an apply read the same rows for the same filter.
 */

/** The most booking ids one filter may list (a pasted list, not a query). */
export const MAX_LISTED_IDS = 5000;

const when = z.coerce.date();

/** The match fields as a plain shape, so the entry list can add paging to it (zod objects with checks cannot be extended). */
export const entryMatchShape = {
  status: statusSchema.optional(),
  mode: modeSchema.optional(),
  /** Deadline passed and nobody processing (conditions.ts overdueSql). */
  overdue: z.boolean().optional(),
  bookingId: bookingIdSchema.optional(),
  bookingIds: z.array(bookingIdSchema).min(1).max(MAX_LISTED_IDS).optional(),
  /** The booking's owner (OWNER_EMP_CODE), exact. */
  ownerEmpCode: z.string().trim().min(1).max(64).optional(),
  ownerGroup: z.enum(OWNER_GROUPS).optional(),
  /** MEETING_ROOM, exact. */
  room: z.string().trim().min(1).max(50).optional(),
  meetingType: z.enum(MEETING_TYPES).optional(),
  /** The worker holding the lease (POOL_CLAIMED_BY), exact. */
  claimedBy: ownerSchema.optional(),
  /** Deadline window: from inclusive, to exclusive. */
  deadlineFrom: when.optional(),
  deadlineTo: when.optional(),
  /** Meeting start (TIME_START) window: from inclusive, to exclusive. */
  meetingFrom: when.optional(),
  meetingTo: when.optional(),
  attemptsMin: z.number().int().min(0).max(1_000_000).optional(),
  attemptsMax: z.number().int().min(0).max(1_000_000).optional(),
  /** Case-insensitive substring of POOL_LAST_ERROR; % and _ are literal. */
  lastErrorContains: z.string().trim().min(1).max(200).optional(),
};

type MatchFields = z.output<z.ZodObject<typeof entryMatchShape>>;

/** Windows and ranges must not be upside down: an empty result would look like "nothing matches". */
export function checkMatchRanges(match: MatchFields, ctx: z.RefinementCtx): void {
  const upsideDown = (low: Date | number | undefined, high: Date | number | undefined) => low !== undefined && high !== undefined && Number(low) > Number(high);
  if (upsideDown(match.deadlineFrom, match.deadlineTo)) ctx.addIssue({ code: 'custom', path: ['deadlineTo'], message: 'the deadline window ends before it starts' });
  if (upsideDown(match.meetingFrom, match.meetingTo)) ctx.addIssue({ code: 'custom', path: ['meetingTo'], message: 'the meeting window ends before it starts' });
  if (upsideDown(match.attemptsMin, match.attemptsMax)) ctx.addIssue({ code: 'custom', path: ['attemptsMax'], message: 'attemptsMax is below attemptsMin' });
}

export const entryMatchSchema = z.object(entryMatchShape).strict().superRefine(checkMatchRanges);
export type EntryMatch = z.input<typeof entryMatchSchema>;
export type ParsedEntryMatch = z.output<typeof entryMatchSchema>;

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

function window(label: string, from: Date | undefined, to: Date | undefined): string | null {
  if (from && to) return `${label} from ${iso(from)} to before ${iso(to)}`;
  if (from) return `${label} at or after ${iso(from)}`;
  if (to) return `${label} before ${iso(to)}`;
  return null;
}

/** The filter in words, for previews, audit rows and the CLI: "failed entries, meeting type VIP, …". */
export function describeEntryMatch(match: ParsedEntryMatch): string {
  const parts: (string | null)[] = [
    match.status ? `${match.status} entries` : 'entries in the pool',
    match.mode ? `mode ${match.mode}` : null,
    match.overdue ? 'overdue (deadline passed, not processing)' : null,
    match.bookingId !== undefined ? `booking #${match.bookingId}` : null,
    match.bookingIds ? `one of ${match.bookingIds.length} listed booking id${match.bookingIds.length === 1 ? '' : 's'}` : null,
    match.ownerEmpCode ? `owner ${match.ownerEmpCode}` : null,
    match.ownerGroup ? `group ${match.ownerGroup}` : null,
    match.room ? `room ${match.room}` : null,
    match.meetingType ? `meeting type ${match.meetingType}` : null,
    match.claimedBy ? `leased by ${match.claimedBy}` : null,
    window('deadline', match.deadlineFrom, match.deadlineTo),
    window('meeting', match.meetingFrom, match.meetingTo),
    match.attemptsMin !== undefined && match.attemptsMax !== undefined
      ? `${match.attemptsMin}–${match.attemptsMax} attempts`
      : match.attemptsMin !== undefined ? `at least ${match.attemptsMin} attempts` : match.attemptsMax !== undefined ? `at most ${match.attemptsMax} attempts` : null,
    match.lastErrorContains ? `last error contains "${match.lastErrorContains}"` : null,
  ];
  return parts.filter((part): part is string => part !== null).join(', ');
}
