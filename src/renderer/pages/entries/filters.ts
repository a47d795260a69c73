import { POOL_MODES, POOL_STATUSES, type PoolMode, type PoolStatus } from '../../../shared/pool-types';

/** What the operator narrows the entries table to; each maps onto `entries.list`'s filter as is. */
export interface EntryFilters {
  status?: PoolStatus;
  mode?: PoolMode;
  overdue?: boolean;
  bookingId?: number;
}

const isStatus = (value: unknown): value is PoolStatus => (POOL_STATUSES as readonly unknown[]).includes(value);
const isMode = (value: unknown): value is PoolMode => (POOL_MODES as readonly unknown[]).includes(value);

export function parseBookingId(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,10}$/.test(trimmed)) return undefined;
  const id = Number(trimmed);
  return id >= 1 && id <= 2_147_483_647 ? id : undefined;
}

/**
 * The filters another page handed over when navigating here (e.g. the Overview's failed tile passes
 * `{ status: 'failed' }`). Anything unrecognised is dropped rather than sent to the back.
 */
export function filtersFromState(state: Record<string, unknown> | undefined): EntryFilters {
  if (!state) return {};
  const filters: EntryFilters = {};
  if (isStatus(state.status)) filters.status = state.status;
  if (isMode(state.mode)) filters.mode = state.mode;
  if (state.overdue === true) filters.overdue = true;
  const id = typeof state.bookingId === 'number' ? parseBookingId(String(state.bookingId)) : typeof state.bookingId === 'string' ? parseBookingId(state.bookingId) : undefined;
  if (id !== undefined) filters.bookingId = id;
  return filters;
}

/** Only the set filters, so the request (and its cache key) carries no empty fields. */
export function compactFilters(filters: EntryFilters): EntryFilters {
  const out: EntryFilters = {};
  if (filters.status) out.status = filters.status;
  if (filters.mode) out.mode = filters.mode;
  if (filters.overdue) out.overdue = true;
  if (filters.bookingId !== undefined) out.bookingId = filters.bookingId;
  return out;
}
