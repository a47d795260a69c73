import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { PoolError } from '../../shared/errors.js';
import type { LockHolder } from '../../shared/results/schema.js';
import type { Database } from './database.js';
import { isGalera } from './galera.js';
import { ensureLockTable, LOCKS_TABLE, lockModel } from './lock-table.js';
import { currentLockHolder, describeHolder, lockName, withNamedLock } from './named-lock.js';
import { isMissingTableError } from '../schema/table-presence.js';

/*
 * A lock that holds across a Galera cluster: a row in POOL_LOCKS taken by a committed, conditional
 * write (certified cluster-wide), with an owner and an expiry on the database's clock, renewed while
 * held. GET_LOCK stays everywhere else: it dies with its connection, which a row cannot do.
 */

/** How long a lock row lives without renewal; renewed every third of it. */
export const CLUSTER_LOCK_TTL_SECONDS = 60;

/**
 * A node applies other nodes' commits a moment after they certify: every lock statement first waits
 * until this node has applied everything committed before it (causal read), or a lock released on
 * node 1 would still look held on node 2. Only run on Galera (MariaDB), where SET STATEMENT exists.
 */
const CAUSAL = 'SET STATEMENT wsrep_sync_wait = 7 FOR';

/** Takes the row when it is free or lapsed (or already ours); one statement, so one certified write. */
export const ACQUIRE_SQL = `${CAUSAL} INSERT INTO ${LOCKS_TABLE} (NAME, OWNER, HOST, ACQUIRED_AT, EXPIRES_AT)
  VALUES (:name, :owner, :host, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL :ttl SECOND)
  ON DUPLICATE KEY UPDATE
    HOST = IF(EXPIRES_AT < UTC_TIMESTAMP(3) OR OWNER = VALUES(OWNER), VALUES(HOST), HOST),
    ACQUIRED_AT = IF(EXPIRES_AT < UTC_TIMESTAMP(3) OR OWNER = VALUES(OWNER), VALUES(ACQUIRED_AT), ACQUIRED_AT),
    OWNER = IF(EXPIRES_AT < UTC_TIMESTAMP(3) OR OWNER = VALUES(OWNER), VALUES(OWNER), OWNER),
    EXPIRES_AT = IF(OWNER = VALUES(OWNER), VALUES(EXPIRES_AT), EXPIRES_AT)`;
// (MariaDB assigns left to right: OWNER is decided on the old EXPIRES_AT, EXPIRES_AT on the new OWNER.)
export const RENEW_SQL = `${CAUSAL} UPDATE ${LOCKS_TABLE} SET EXPIRES_AT = UTC_TIMESTAMP(3) + INTERVAL :ttl SECOND WHERE NAME = :name AND OWNER = :owner AND EXPIRES_AT >= UTC_TIMESTAMP(3)`;

/** One console's hold on one named lock row. */
export class TableLock {
  readonly owner = `${os.hostname()} pid ${process.pid} ${randomBytes(4).toString('hex')}`;

  /** `ttlSeconds` may be a function: a holder whose renewals come further apart asks for a longer life. */
  constructor(
    private readonly db: Database,
    readonly name: string,
    private readonly ttl: number | (() => number) = CLUSTER_LOCK_TTL_SECONDS,
  ) {}

  private get ttlSeconds(): number {
    return typeof this.ttl === 'function' ? this.ttl() : this.ttl;
  }

  /** True when this owner now holds the row. Failures are thrown. */
  async tryAcquire(): Promise<boolean> {
    await this.db.execute('locks.acquire', ACQUIRE_SQL, { replacements: { name: this.name, owner: this.owner, host: os.hostname(), ttl: this.ttlSeconds } });
    const row = await lockModel(this.db).findByPk(this.name, { attributes: ['owner'] });
    return row?.owner === this.owner;
  }

  /** Pushes the expiry on; false when the lock lapsed or someone else holds it now. */
  async renew(): Promise<boolean> {
    return (await this.db.execute('locks.renew', RENEW_SQL, { replacements: { name: this.name, owner: this.owner, ttl: this.ttlSeconds } })) === 1;
  }

  async release(): Promise<void> {
    await lockModel(this.db).destroy({ where: { name: this.name, owner: this.owner } });
  }

  async holder(): Promise<LockHolder | null> {
    return tableLockHolder(this.db, this.name);
  }
}

/** Who holds a lock row that has not lapsed, or null. */
export async function tableLockHolder(db: Database, name: string): Promise<LockHolder | null> {
  const [row] = await db.select<{ owner: string; host: string; heldFor: number; expiresAt: Date }>(
    'locks.holder',
    `${CAUSAL} SELECT OWNER AS owner, HOST AS host, TIMESTAMPDIFF(SECOND, ACQUIRED_AT, UTC_TIMESTAMP(3)) AS heldFor, EXPIRES_AT AS expiresAt
       FROM ${LOCKS_TABLE} WHERE NAME = :name AND EXPIRES_AT >= UTC_TIMESTAMP(3) LIMIT 1`,
    { replacements: { name } },
  );
  if (!row) return null;
  return { connectionId: null, user: null, host: row.host, heldForSeconds: Number(row.heldFor), owner: row.owner, expiresAt: new Date(row.expiresAt).toISOString() };
}

/**
 * Runs `work` while holding the named lock `purpose`, one run at a time across every console:
 * GET_LOCK on one server, a POOL_LOCKS row on a Galera cluster (created first if missing). The row
 * is renewed every third of its TTL and by each assertStillHeld(), which throws once it was lost.
 */
export async function withClusterLock<T>(db: Database, purpose: string, activity: string, work: (assertStillHeld: () => Promise<void>) => Promise<T>): Promise<T> {
  if (!(await isGalera(db))) return withNamedLock(db.profile, purpose, activity, work);
  await ensureLockTable(db);
  const lock = new TableLock(db, lockName(purpose, db.profile.database));
  if (!(await lock.tryAcquire())) {
    const holder = await lock.holder();
    throw new PoolError(
      'CONFLICT',
      `${activity} in progress (held by ${holder ? describeHolder(holder) : 'another console'}). Wait for it to finish, then try again.`,
      { lock: lock.name, holder },
    );
  }
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    renewing = lock.renew().then((held) => void (lost ||= !held), () => undefined);
  }, (CLUSTER_LOCK_TTL_SECONDS * 1000) / 3);
  timer.unref();
  const assertStillHeld = async () => {
    if (lost || !(await lock.renew().catch(() => false))) {
      lost = true;
      throw new PoolError('CONFLICT', `${activity} stopped: its cluster lock lapsed or was taken over. Check the status before running it again.`);
    }
  };
  try {
    return await work(assertStillHeld);
  } finally {
    clearInterval(timer);
    await renewing;
    // a down of 0010 may have dropped an unadopted table: then there is nothing to release
    await lock.release().catch(() => undefined);
  }
}

/** The holder of lock `purpose` as withClusterLock takes it on this server, or null. */
export async function clusterLockHolder(db: Database, purpose: string): Promise<LockHolder | null> {
  if (!(await isGalera(db))) return currentLockHolder(db.profile, purpose);
  const name = lockName(purpose, db.profile.database);
  try {
    return await tableLockHolder(db, name);
  } catch (error) {
    // no table yet: no console has taken a cluster lock on this database
    if (isMissingTableError(error, LOCKS_TABLE)) return null;
    throw error;
  }
}
