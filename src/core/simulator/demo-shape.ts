import type { MeetingType } from '../pool/pool-types.js';
export { OWNER_GROUPS } from '../pool/pool-types.js';

/**
 * What demo bookings look like, in one place for the set-based seeding (SQL over hash buckets)
 * and the feeder (JS over a random function). Weights are out of 100.
 */
export const MEETING_TYPE_WEIGHTS: readonly (readonly [MeetingType, number])[] = [
  ['DR', 10], ['VIP', 10], ['Weekly', 20], ['General', 40], ['Augent', 5], ['Other', 15],
];


const HOUR = 60;
const DAY = 24 * HOUR;

/**
 * Meeting starts, in minutes from the current hour: a third within three days (many of them past
 * their deadline already, so workers have work at once), most within two weeks, some up to two
 * months ahead. A booking that is not pooled may also lie in the past (up to 30 days).
 */
export const FUTURE_START_BUCKETS: readonly { weight: number; fromMinutes: number; spanMinutes: number }[] = [
  { weight: 40, fromMinutes: 2 * HOUR, spanMinutes: 70 * HOUR },
  { weight: 40, fromMinutes: 3 * DAY, spanMinutes: 11 * DAY },
  { weight: 20, fromMinutes: 14 * DAY, spanMinutes: 42 * DAY },
];
export const PAST_START = { weight: 10, fromMinutes: -30 * DAY, spanMinutes: 30 * DAY - HOUR };

/** Meeting lengths: 30, 60, 90 or 120 minutes. */
export const DURATION_STEP_MINUTES = 30;
export const DURATION_STEPS = 4;

/** Owner codes start with this, so demo bookings can be told from real ones. */
export const DEMO_OWNER_PREFIX = 'SIM-E';
/** The lease holder of entries seeded as `processing`: no live worker, so their leases age. */
export const SEED_LEASE_OWNER = 'sim-seed';

/** A meeting start in minutes from the current hour, drawn from the future buckets; multiple of 15. */
export function demoStartMinutes(random: () => number): number {
  let roll = random() * 100;
  for (const bucket of FUTURE_START_BUCKETS) {
    if (roll < bucket.weight) return quarterHour(bucket.fromMinutes + random() * bucket.spanMinutes);
    roll -= bucket.weight;
  }
  const last = FUTURE_START_BUCKETS[FUTURE_START_BUCKETS.length - 1]!;
  return quarterHour(last.fromMinutes + random() * last.spanMinutes);
}

export function demoMeetingType(random: () => number): MeetingType {
  let roll = random() * 100;
  for (const [type, weight] of MEETING_TYPE_WEIGHTS) {
    if (roll < weight) return type;
    roll -= weight;
  }
  return 'Other';
}

function quarterHour(minutes: number): number {
  return Math.trunc(minutes / 15) * 15;
}
