import { Database } from '../../src/core/db/database.js';
import type { ConnectionProfile } from '../../src/shared/profile.js';

/**
 * A Database for the benchmark: the console's layer with generous bounds. A benchmark measures
 * how long a statement takes, also on a busy machine; the console's 5 s read bound would end the
 * run there instead (the reference's ready list under 16 claimers at a load average of 15 did).
 */
export function benchDatabase(profile: ConnectionProfile, poolMax: number): Database {
  return new Database(profile, { poolMax, timeouts: { readMs: 120_000, writeMs: 120_000, acquireMs: 120_000 } });
}
