import type { HealthReason, SystemStatus } from '../../shared/results/health.js';
import { CONNECTED, type Liveness } from '../db/liveness.js';
import { formatSeconds } from '../db/timeouts.js';
import * as why from './health-reasons.js';
import { judge } from './pool-health.js';

/** Under the 3 s the issue promises for system.status and `pool-console status`, with room for a busy machine. */
export const STATUS_DEADLINE_MS = 2_000;

export interface StatusBounds {
  /** What the connection's liveness is now (a monitor's state, or one pending heartbeat); asked at the start and past the deadline. */
  liveness: () => Promise<Liveness> | Liveness;
  deadlineMs?: number;
  clock?: () => number;
}

const LATE = Symbol('late');

function within<T>(work: Promise<T>, ms: number): Promise<T | typeof LATE> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<typeof LATE>((resolve) => (timer = setTimeout(() => resolve(LATE), Math.max(0, ms))));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The health model's down reason for a connection that is not connected. */
function livenessReason(liveness: Liveness): HealthReason {
  const message = liveness.message ?? `The database is ${liveness.status}.`;
  if (liveness.status === 'lost') return why.reason('unreachable', 'down', message);
  if (liveness.status === 'database-missing') return why.reason('no-database', 'down', message);
  const silentFor = liveness.since ? (Date.now() - liveness.since.getTime()) / 1000 : undefined;
  return why.notResponding(silentFor, message);
}

function down(liveness: Liveness): SystemStatus {
  return judge([livenessReason(liveness)], new Date());
}

/**
 * The status within a deadline, whatever the database does. Wraps whatever computes the status
 * (`compute`): the connection's liveness comes first (a database not responding, lost or gone is
 * down, whatever a partial look would say); then the computed status if it is ready in time;
 * past the deadline, the liveness decides between down (nothing answers) and slow.
 */
export async function statusWithin(compute: () => Promise<SystemStatus>, bounds: StatusBounds): Promise<SystemStatus> {
  const clock = bounds.clock ?? Date.now;
  const deadlineMs = bounds.deadlineMs ?? STATUS_DEADLINE_MS;
  const started = clock();
  const known = bounds.liveness();
  // already known to be down: no statement is sent to a server that does not answer
  if (!(known instanceof Promise) && known.status !== 'connected') return down(known);
  const computing = compute();
  // the computation may fail after the deadline, when nobody awaits it any more
  computing.catch(() => undefined);
  const remaining = () => deadlineMs - (clock() - started);

  const first = await within(Promise.resolve(known), remaining());
  if (first !== LATE && first.status !== 'connected') return down(first);
  const computed = await within(computing, remaining());
  if (computed !== LATE) {
    const live = first === LATE ? CONNECTED : await bounds.liveness();
    // computed on a database that has just gone away: the liveness is the truer answer
    return live.status === 'connected' || computed.state === 'down' ? computed : down(live);
  }
  const last = first === LATE ? null : await within(Promise.resolve(bounds.liveness()), 0);
  if (last === null || last === LATE || last.status !== 'connected') {
    return down(last && last !== LATE && last.status !== 'connected' ? last : {
      status: 'not-responding', since: null, code: 'TIMEOUT',
      message: `The database server did not respond within ${formatSeconds(deadlineMs)}: it may be frozen, overloaded, or cut off.`,
    });
  }
  return judge(
    [why.checkIncomplete(`it did not finish within ${formatSeconds(deadlineMs)}, though the server answers its heartbeat: the database is slow or waiting on a lock`)],
    new Date(),
  );
}
