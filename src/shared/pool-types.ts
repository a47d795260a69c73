import { z } from 'zod';

/* The pool's vocabulary, shared by core (which stores it) and the console's front (which shows it). */

export const POOL_STATUSES = ['waiting', 'ready', 'processing', 'failed'] as const;
export type PoolStatus = (typeof POOL_STATUSES)[number];

export const POOL_MODES = ['BALANCE', 'URGENT', 'NORMAL', 'CUSTOM'] as const;
export type PoolMode = (typeof POOL_MODES)[number];

export const MEETING_TYPES = ['DR', 'VIP', 'Weekly', 'General', 'Augent', 'Other'] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const OWNER_GROUPS = ['iot', 'hardware', 'software', 'other'] as const;
export type OwnerGroup = (typeof OWNER_GROUPS)[number];

/**
 * What happens to entries, as the running totals in POOL_EVENT_COUNTS count it: added to the pool,
 * claimed by a worker, completed (left the pool), failed by a worker (back to waiting or to
 * failed), failed entries retried, entries taken out by an operator or a cleanup, leases reset.
 */
export const POOL_EVENTS = ['entered', 'claimed', 'completed', 'failed', 'retried', 'removed', 'reset'] as const;
export type PoolEvent = (typeof POOL_EVENTS)[number];

export const BOOKING_STATUSES = ['approve', 'cancel', 'waiting', 'complet'] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** One pooled booking as list queries return it (never MEETING_DETAIL). */
export interface PoolEntry {
  bookingId: number;
  meetingType: MeetingType;
  timeStart: Date;
  bookingStatus: BookingStatus;
  interpreterEmpCode: string | null;
  status: PoolStatus;
  mode: PoolMode | null;
  entryTime: Date | null;
  deadlineTime: Date | null;
  attempts: number;
  claimedBy: string | null;
  claimedAt: Date | null;
  lastError: string | null;
}

export const bookingIdSchema = z.number().int().positive().max(2_147_483_647);
export const ownerSchema = z.string().trim().min(1).max(128);
export const modeSchema = z.enum(POOL_MODES);
export const statusSchema = z.enum(POOL_STATUSES);
