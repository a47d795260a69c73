import type { IndexHealth } from '../../shared/results/health.js';

type Redundant = IndexHealth['redundant'][number];

/**
 * Redundant indexes the console did not create: the host application's own (an ORM's
 * BOOKING_PLAN_POOL_STATUS_idx, say), adopted as they are. Dropping them is the host team's call,
 * so they are a note, not a finding.
 */
export function hostRedundant(health: IndexHealth): Redundant[] {
  const ours = new Set(health.expected.map((index) => index.name.toLowerCase()));
  return health.redundant.filter((item) => !ours.has(item.index.toLowerCase()));
}

/** What is wrong with the pool's indexes: missing, duplicate, or redundant ones of ours, and hot queries with a bad plan. */
export function indexFindings(health: IndexHealth): number {
  const notes = new Set(hostRedundant(health).map((item) => item.index));
  const redundant = health.redundant.filter((item) => !notes.has(item.index));
  return health.missing.length + health.duplicates.length + redundant.length + health.queries.filter((query) => query.verdict === 'bad').length;
}
