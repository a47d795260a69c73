import type { Command } from 'commander';
import { MAX_LISTED_IDS } from '../shared/entry-match.js';
import { MEETING_TYPES, OWNER_GROUPS, POOL_MODES, POOL_STATUSES } from '../shared/pool-types.js';

/*
 * The entry match (src/shared/entry-match.ts) as CLI flags: one module for every command that
 * selects entries (entries, bulk), so one idea has one flag everywhere. Values pass through as
 * typed; the contract's schema checks them and a refusal names the flag (FIELD_FLAGS).
 */

/** Each match field's flag, merged into FIELD_FLAGS so a refused value names the flag the user typed. */
export const ENTRY_MATCH_FLAGS = {
  status: '--status',
  mode: '--mode',
  overdue: '--overdue',
  bookingId: '--booking',
  bookingIds: '--bookings',
  ownerEmpCode: '--owner',
  ownerGroup: '--group',
  room: '--room',
  meetingType: '--meeting-type',
  claimedBy: '--claimed-by',
  deadlineFrom: '--deadline-from',
  deadlineTo: '--deadline-to',
  meetingFrom: '--meeting-from',
  meetingTo: '--meeting-to',
  attemptsMin: '--attempts-min',
  attemptsMax: '--attempts-max',
  lastErrorContains: '--error-contains',
} as const;

/** The flags as commander stores them (camel case of the flag names above). */
export interface EntryMatchFlags {
  status?: string;
  mode?: string;
  overdue?: boolean;
  booking?: number | string;
  bookings?: (number | string)[];
  owner?: string;
  group?: string;
  room?: string;
  meetingType?: string;
  claimedBy?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  meetingFrom?: string;
  meetingTo?: string;
  attemptsMin?: number | string;
  attemptsMax?: number | string;
  errorContains?: string;
}

/** A whole number as typed; anything else stays text so the contract refuses it, naming the flag. */
const whole = (value: string): number | string => (/^\s*\d+\s*$/.test(value) ? Number(value) : value);

const ids = (value: string): (number | string)[] => value.split(',').map((id) => whole(id));

const TIME = 'an ISO time, e.g. 2026-05-01T08:00Z';

/** Adds the match flags to a command. */
export function addEntryMatchFlags(command: Command): Command {
  return command
    .option('--status <status>', `only entries in this status: ${POOL_STATUSES.join(', ')}`)
    .option('--mode <mode>', `only entries of this mode: ${POOL_MODES.join(', ')}`)
    .option('--overdue', 'only entries past their deadline and not being processed')
    .option('--booking <id>', 'only this booking', whole)
    .option('--bookings <ids>', `only these bookings, comma separated (at most ${MAX_LISTED_IDS})`, ids)
    .option('--owner <empCode>', "only bookings of this owner (OWNER_EMP_CODE, exact)")
    .option('--group <group>', `only bookings of this owner group: ${OWNER_GROUPS.join(', ')}`)
    .option('--room <room>', 'only bookings in this room (MEETING_ROOM, exact)')
    .option('--meeting-type <type>', `only meetings of this type: ${MEETING_TYPES.join(', ')}`)
    .option('--claimed-by <worker>', 'only entries leased by this worker (POOL_CLAIMED_BY)')
    .option('--deadline-from <time>', `deadline at or after this time (${TIME})`)
    .option('--deadline-to <time>', 'deadline before this time')
    .option('--meeting-from <time>', `meeting start at or after this time (${TIME})`)
    .option('--meeting-to <time>', 'meeting start before this time')
    .option('--attempts-min <n>', 'at least this many processing attempts', whole)
    .option('--attempts-max <n>', 'at most this many processing attempts', whole)
    .option('--error-contains <text>', 'last error contains this text (case-insensitive; % and _ are literal)');
}

/** The flags as entry-match input fields (undefined when not given); the contract validates them. */
export function entryMatchFromFlags(options: EntryMatchFlags): Record<keyof typeof ENTRY_MATCH_FLAGS, unknown> {
  return {
    status: options.status,
    mode: options.mode,
    overdue: options.overdue,
    bookingId: options.booking,
    bookingIds: options.bookings,
    ownerEmpCode: options.owner,
    ownerGroup: options.group,
    room: options.room,
    meetingType: options.meetingType,
    claimedBy: options.claimedBy,
    deadlineFrom: options.deadlineFrom,
    deadlineTo: options.deadlineTo,
    meetingFrom: options.meetingFrom,
    meetingTo: options.meetingTo,
    attemptsMin: options.attemptsMin,
    attemptsMax: options.attemptsMax,
    lastErrorContains: options.errorContains,
  };
}
