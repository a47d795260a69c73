import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { entryMatchSchema, MAX_LISTED_IDS, type EntryMatch } from '../../shared/entry-match.js';
import { PoolError } from '../../shared/errors.js';
import { addEntryMatchFlags, ENTRY_MATCH_FLAGS, entryMatchFromFlags, type EntryMatchFlags } from '../entry-match-flags.js';
import { integer } from './command.js';

/*
 * The whole filter `bulk` acts on: the flags `entries` takes (entry-match-flags.ts) plus a file of
 * booking ids, checked here so a refusal names the flag before anything connects.
 */

export interface MatchFlags extends EntryMatchFlags {
  bookingsFile?: string;
}

/** The shared match flags (entry-match-flags.ts) plus a file of booking ids, for lists too long to type. */
export function matchOptions(command: Command): Command {
  return addEntryMatchFlags(command).option('--bookings-file <file>', `booking ids from a file, separated by commas, spaces or new lines (at most ${MAX_LISTED_IDS})`);
}

/** A list of ids as typed: whole numbers stay numbers, anything else stays text for the schema to refuse. */
function idList(text: string, flag: string): (number | string)[] {
  const ids = text.split(/[\s,]+/).filter(Boolean).map(integer);
  if (ids.length === 0) throw new PoolError('INVALID_INPUT', `Invalid ${flag}: no booking ids given.`);
  return ids;
}

function idsFrom(flags: MatchFlags): (number | string)[] | undefined {
  if (flags.bookings !== undefined && flags.bookingsFile !== undefined) throw new PoolError('INVALID_INPUT', 'Invalid --bookings-file: give --bookings or --bookings-file, not both.');
  if (flags.bookingsFile === undefined) return flags.bookings;
  let text: string;
  try {
    text = readFileSync(flags.bookingsFile, 'utf8');
  } catch (error) {
    throw new PoolError('INVALID_INPUT', `Invalid --bookings-file: cannot read '${flags.bookingsFile}' (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  return idList(text, '--bookings-file');
}

/** The flags as an EntryMatch, checked by the shared schema; a refusal names its flag. */
export function matchFromFlags(flags: MatchFlags): EntryMatch {
  const given = { ...entryMatchFromFlags(flags), bookingIds: idsFrom(flags) };
  const match = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const parsed = entryMatchSchema.safeParse(match);
  if (parsed.success) return match as EntryMatch;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
  const value = field === undefined ? undefined : match[field];
  const got = typeof value === 'string' || typeof value === 'number' ? ` (got '${value}')` : '';
  throw new PoolError('INVALID_INPUT', `Invalid ${field ? (ENTRY_MATCH_FLAGS[field as keyof typeof ENTRY_MATCH_FLAGS] ?? field) : 'filter'}: ${(issue?.message ?? 'rejected').replace(/\.$/, '')}${got}.`);
}
