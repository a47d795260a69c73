import { type MeetingType, type OwnerGroup, type PoolMode, type PoolStatus } from '../../../shared/pool-types';
import { entryFilterSchema, type EntrySort, type SortOrder } from '../../../shared/results/pool';

/**
 * What the operator narrows the entries table to and how it is ordered: `entries.list`'s input
 * without the page (limit, cursor). Times are ISO texts in UTC, as the link and the request carry them.
 */
export interface EntryFilters {
  status?: PoolStatus;
  mode?: PoolMode;
  overdue?: boolean;
  bookingId?: number;
  bookingIds?: number[];
  ownerEmpCode?: string;
  ownerGroup?: OwnerGroup;
  room?: string;
  meetingType?: MeetingType;
  claimedBy?: string;
  deadlineFrom?: string;
  deadlineTo?: string;
  meetingFrom?: string;
  meetingTo?: string;
  attemptsMin?: number;
  attemptsMax?: number;
  lastErrorContains?: string;
  sort?: EntrySort;
  order?: SortOrder;
}

/** The fields in the order a link lists them. */
const FIELDS = [
  'status', 'mode', 'overdue', 'bookingId', 'bookingIds', 'ownerEmpCode', 'ownerGroup', 'room', 'meetingType', 'claimedBy',
  'meetingFrom', 'meetingTo', 'deadlineFrom', 'deadlineTo', 'attemptsMin', 'attemptsMax', 'lastErrorContains', 'sort', 'order',
] as const satisfies readonly (keyof EntryFilters)[];

/** Each field as a person reads it, for a refusal ("Attempts at most: …"). */
export const FIELD_LABELS: Readonly<Record<keyof EntryFilters, string>> = {
  status: 'Status', mode: 'Mode', overdue: 'Overdue', bookingId: 'Booking id', bookingIds: 'Booking ids', ownerEmpCode: 'Owner',
  ownerGroup: 'Group', room: 'Room', meetingType: 'Meeting type', claimedBy: 'Lease owner', meetingFrom: 'Meeting from',
  meetingTo: 'Meeting before', deadlineFrom: 'Deadline from', deadlineTo: 'Deadline before', attemptsMin: 'Attempts at least',
  attemptsMax: 'Attempts at most', lastErrorContains: 'Last error contains', sort: 'Sort', order: 'Order',
};

export function parseBookingId(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return undefined;
  const id = Number(trimmed);
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
}

const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');

export type Checked = { filters: EntryFilters; error?: undefined } | { filters?: undefined; error: string };

/**
 * Candidate filters (as typed, or as a link carries them) through the contract's own schema: the
 * filters to send, or the first problem in words naming its field. Nothing is sent on a refusal.
 */
export function checkFilters(candidate: Record<string, unknown>): Checked {
  const given = Object.fromEntries(Object.entries(candidate).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = entryFilterSchema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const label = typeof field === 'string' ? (FIELD_LABELS[field as keyof EntryFilters] ?? field) : 'Filter';
    return { error: `${label}: ${issue?.message ?? 'refused'}.` };
  }
  const out: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const value = parsed.data[field];
    if (value === undefined || value === false) continue;
    out[field] = value instanceof Date ? iso(value) : value;
  }
  // The defaults stay out of the request, its cache key and the link.
  if (out.sort === 'entryTime') delete out.sort;
  if (out.order === 'asc') delete out.order;
  return { filters: out as EntryFilters };
}

/** Only the set filters, so the request (and its cache key) carries no empty fields. */
export function compactFilters(filters: EntryFilters): EntryFilters {
  return Object.fromEntries(FIELDS.filter((field) => filters[field] !== undefined && filters[field] !== false && filters[field] !== '').map((field) => [field, filters[field]])) as EntryFilters;
}

/**
 * The filters another page handed over when navigating here (e.g. the Overview's failed tile passes
 * `{ status: 'failed' }`). Anything the schema refuses is dropped rather than sent to the back.
 */
export function filtersFromState(state: Record<string, unknown> | undefined): EntryFilters {
  if (!state) return {};
  const known = Object.fromEntries(FIELDS.map((field) => [field, state[field]]));
  if (typeof known.bookingId === 'string') known.bookingId = parseBookingId(known.bookingId);
  const checked = checkFilters(known);
  if (checked.filters) return checked.filters;
  // One bad field must not cost the others: keep each field that passes alone.
  return Object.assign({}, ...FIELDS.map((field) => checkFilters({ [field]: known[field] }).filters ?? {})) as EntryFilters;
}

/* Deep links: the Entries page's filters in the URL's fragment, `#entries?ownerEmpCode=E1&sort=deadline`. */

export const ENTRIES_LINK = '#entries';

/** The fragment for these filters (field names as the contract spells them; times in UTC). */
export function filtersToLink(filters: EntryFilters): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    const value = filters[field];
    if (value === undefined || value === false) continue;
    params.set(field, Array.isArray(value) ? value.join(',') : String(value));
  }
  const query = params.toString();
  return query ? `${ENTRIES_LINK}?${query}` : ENTRIES_LINK;
}

const NUMBERS = new Set<string>(['bookingId', 'attemptsMin', 'attemptsMax']);

/**
 * A link's fragment as filters, checked by the contract's schema: unknown fields, bad values and
 * upside-down windows are refused with a message (the page then shows no filter). Null when the
 * fragment is not an Entries link at all.
 */
export function filtersFromLink(fragment: string): Checked | null {
  if (fragment !== ENTRIES_LINK && !fragment.startsWith(`${ENTRIES_LINK}?`)) return null;
  const params = new URLSearchParams(fragment.slice(ENTRIES_LINK.length + 1));
  const candidate: Record<string, unknown> = {};
  for (const [key, text] of params) {
    if (!(FIELDS as readonly string[]).includes(key)) return { error: `The link names an unknown filter '${key.slice(0, 40)}'.` };
    const number = (part: string) => (/^\s*\d+\s*$/.test(part) ? Number(part) : part);
    candidate[key] = NUMBERS.has(key) ? number(text) : key === 'bookingIds' ? text.split(',').map(number) : key === 'overdue' ? text === 'true' || text === '1' || text : text;
  }
  const checked = checkFilters(candidate);
  return checked.error ? { error: `This link's filter cannot be used: ${checked.error}` } : checked;
}

const SORT_WORDS = { entryTime: 'entry order', deadline: 'deadline order', attempts: 'order of attempts' } as const;
const short = (value: string) => value.replace('T', ' ').replace(/:00(\.000)?Z$|Z$/, '');

/** The filters and order in words, for the list's summary line. */
export function describeFilters(f: EntryFilters): { filters: string[]; order: string } {
  const window = (label: string, from?: string, to?: string) =>
    from && to ? `${label} ${short(from)} to before ${short(to)}` : from ? `${label} from ${short(from)}` : to ? `${label} before ${short(to)}` : null;
  const filters = [
    f.status && `status ${f.status}`,
    f.mode && `mode ${f.mode}`,
    f.overdue && 'overdue',
    f.bookingId !== undefined && `booking ${f.bookingId}`,
    f.bookingIds && `${f.bookingIds.length} listed bookings`,
    f.ownerEmpCode && `owner ${f.ownerEmpCode}`,
    f.ownerGroup && `group ${f.ownerGroup}`,
    f.room && `room ${f.room}`,
    f.meetingType && `type ${f.meetingType}`,
    f.claimedBy && `leased by ${f.claimedBy}`,
    window('meeting', f.meetingFrom, f.meetingTo),
    window('deadline', f.deadlineFrom, f.deadlineTo),
    f.attemptsMin !== undefined && `attempts ≥ ${f.attemptsMin}`,
    f.attemptsMax !== undefined && `attempts ≤ ${f.attemptsMax}`,
    f.lastErrorContains && `last error contains "${f.lastErrorContains}"`,
  ].filter((part): part is string => typeof part === 'string');
  const order = `in ${SORT_WORDS[f.sort ?? 'entryTime']}${f.order === 'desc' ? ', descending' : ''}`;
  return { filters, order };
}
