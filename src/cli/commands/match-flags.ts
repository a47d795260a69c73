import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { entryMatchSchema, MAX_LISTED_IDS, type EntryMatch } from '../../shared/entry-match.js';
import { PoolError } from '../../shared/errors.js';
import { MEETING_TYPES, OWNER_GROUPS, POOL_MODES, POOL_STATUSES } from '../../shared/pool-types.js';
import { integer } from './command.js';

/*
 * The entry filter (shared/entry-match.ts) as command-line flags: one flag per match field, so
 * `bulk` (and any command that takes a whole filter) reads the same filter the Entries page sends.
 */

/** The flag of each match field, for the filter's own refusals. */
export const MATCH_FLAGS: Readonly<Record<string, string>> = {
  status: '--status', mode: '--mode', overdue: '--overdue', bookingId: '--booking', bookingIds: '--ids',
  ownerEmpCode: '--owner', ownerGroup: '--group', room: '--room', meetingType: '--meeting-type', claimedBy: '--claimed-by',
  deadlineFrom: '--deadline-from', deadlineTo: '--deadline-to', meetingFrom: '--meeting-from', meetingTo: '--meeting-to',
  attemptsMin: '--attempts-min', attemptsMax: '--attempts-max', lastErrorContains: '--error-contains',
};

export interface MatchFlags {
  status?: string; mode?: string; overdue?: boolean; booking?: number; ids?: string; idsFile?: string;
  owner?: string; group?: string; room?: string; meetingType?: string; claimedBy?: string;
  deadlineFrom?: string; deadlineTo?: string; meetingFrom?: string; meetingTo?: string;
  attemptsMin?: number; attemptsMax?: number; errorContains?: string;
}

export function matchOptions(command: Command): Command {
  return command
    .option('--status <status>', `entries in this status: ${POOL_STATUSES.join(', ')}`)
    .option('--mode <mode>', `entries of this mode: ${POOL_MODES.join(', ')}`)
    .option('--overdue', 'entries past their deadline and not being processed')
    .option('--booking <id>', 'this booking only', integer)
    .option('--ids <list>', `these booking ids, comma separated (at most ${MAX_LISTED_IDS})`)
    .option('--ids-file <file>', 'booking ids from a file (separated by commas, spaces or new lines)')
    .option('--owner <empCode>', "the booking's owner (OWNER_EMP_CODE)")
    .option('--group <group>', `the owner's group: ${OWNER_GROUPS.join(', ')}`)
    .option('--room <room>', 'the meeting room (MEETING_ROOM)')
    .option('--meeting-type <type>', `the meeting type: ${MEETING_TYPES.join(', ')}`)
    .option('--claimed-by <worker>', 'the worker holding the lease (POOL_CLAIMED_BY)')
    .option('--deadline-from <time>', 'deadline at or after this time (ISO 8601, UTC)')
    .option('--deadline-to <time>', 'deadline before this time')
    .option('--meeting-from <time>', 'meeting start at or after this time')
    .option('--meeting-to <time>', 'meeting start before this time')
    .option('--attempts-min <n>', 'at least this many attempts', integer)
    .option('--attempts-max <n>', 'at most this many attempts', integer)
    .option('--error-contains <text>', 'the last error contains this text (any case)');
}

/** A list of ids as typed: whole numbers stay numbers, anything else stays text for the schema to refuse. */
function idList(text: string, flag: string): (number | string)[] {
  const ids = text.split(/[\s,]+/).filter(Boolean).map(integer);
  if (ids.length === 0) throw new PoolError('INVALID_INPUT', `Invalid ${flag}: no booking ids given.`);
  return ids;
}

function idsFrom(flags: MatchFlags): (number | string)[] | undefined {
  if (flags.ids !== undefined && flags.idsFile !== undefined) throw new PoolError('INVALID_INPUT', 'Invalid --ids-file: give --ids or --ids-file, not both.');
  if (flags.ids !== undefined) return idList(flags.ids, '--ids');
  if (flags.idsFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(flags.idsFile, 'utf8');
  } catch (error) {
    throw new PoolError('INVALID_INPUT', `Invalid --ids-file: cannot read '${flags.idsFile}' (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return idList(text, '--ids-file');
}

/** The flags as an EntryMatch, checked by the shared schema; a refusal names its flag. */
export function matchFromFlags(flags: MatchFlags): EntryMatch {
  const given = {
    status: flags.status, mode: flags.mode, overdue: flags.overdue, bookingId: flags.booking, bookingIds: idsFrom(flags),
    ownerEmpCode: flags.owner, ownerGroup: flags.group, room: flags.room, meetingType: flags.meetingType, claimedBy: flags.claimedBy,
    deadlineFrom: flags.deadlineFrom, deadlineTo: flags.deadlineTo, meetingFrom: flags.meetingFrom, meetingTo: flags.meetingTo,
    attemptsMin: flags.attemptsMin, attemptsMax: flags.attemptsMax, lastErrorContains: flags.errorContains,
  };
  const match = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const parsed = entryMatchSchema.safeParse(match);
  if (parsed.success) return match as EntryMatch;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
  const value = field === undefined ? undefined : match[field];
  const got = typeof value === 'string' || typeof value === 'number' ? ` (got '${value}')` : '';
  throw new PoolError('INVALID_INPUT', `Invalid ${field ? (MATCH_FLAGS[field] ?? field) : 'filter'}: ${(issue?.message ?? 'rejected').replace(/\.$/, '')}${got}.`);
}
