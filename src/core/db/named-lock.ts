import { createHash } from 'node:crypto';
import mysql from 'mysql2/promise';
import { PoolError } from '../../shared/errors.js';
import type { ConnectionProfile } from '../../shared/profile.js';
import type { LockHolder } from '../../shared/results/schema.js';
import { classifyError, errorTarget } from './classify-error.js';
import { resolveTimeouts } from './timeouts.js';

export type { LockHolder } from '../../shared/results/schema.js';

/** MySQL lock names are server-wide and at most 64 characters: scope them to one database. */
export function lockName(purpose: string, database: string): string {
  const digest = createHash('sha1').update(database).digest('hex').slice(0, 12);
  return `pool_console.${purpose}.${digest}`;
}

/** A connection of its own, outside the pool: for a lock that must live exactly as long as one run. */
export async function openSession(profile: ConnectionProfile): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({
      host: profile.host,
      port: profile.port,
      user: profile.user,
      password: profile.password,
      database: profile.database,
      socketPath: profile.socketPath,
      ssl: profile.tls ? { ca: profile.tls.ca, rejectUnauthorized: profile.tls.rejectUnauthorized } : undefined,
      connectTimeout: resolveTimeouts().connectMs,
    });
  } catch (error) {
    throw classifyError(error, errorTarget(profile));
  }
}

/** A statement on a lock session, under mysql2's own per-query timeout (the read bound). */
function ask(session: mysql.Connection, sql: string, values: unknown[]) {
  return session.query<mysql.RowDataPacket[]>({ sql, values, timeout: resolveTimeouts().readMs });
}

/** Ends a session; a server that does not answer the goodbye gets its socket cut. */
async function endSession(session: mysql.Connection): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ended = await Promise.race([
    session.end().then(() => true, () => false),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 1_000))),
  ]);
  clearTimeout(timer);
  if (!ended) session.destroy();
}

/** Who holds a named lock, read from the server's process list; null when it is free. */
export async function findLockHolder(session: mysql.Connection, name: string): Promise<LockHolder | null> {
  const [rows] = await ask(
    session,
    `SELECT l.id AS connectionId, p.USER AS user, p.HOST AS host, p.TIME AS heldForSeconds
       FROM (SELECT IS_USED_LOCK(?) AS id) l
       LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.id`,
    [name],
  );
  const row = rows[0];
  if (!row || row.connectionId === null) return null;
  return { connectionId: Number(row.connectionId), user: row.user ?? null, host: row.host ?? null, heldForSeconds: row.heldForSeconds ?? null };
}

export function describeHolder(holder: LockHolder): string {
  if (holder.connectionId === null) return `${holder.owner ?? holder.host ?? 'another console'} (cluster lock, until ${holder.expiresAt ?? '?'} unless renewed)`;
  const who = holder.user ? `${holder.user}@${holder.host ?? '?'}` : 'another session';
  return `${who}, connection ${holder.connectionId}`;
}

/**
 * Runs `work` while holding a database lock (GET_LOCK) on its own connection, so that one run at a
 * time proceeds across every console; the lock dies with that connection if this process does.
 */
export async function withNamedLock<T>(
  profile: ConnectionProfile,
  purpose: string,
  activity: string,
  work: (assertStillHeld: () => Promise<void>) => Promise<T>,
): Promise<T> {
  const name = lockName(purpose, profile.database);
  const session = await openSession(profile);
  try {
    const [rows] = await ask(session, 'SELECT GET_LOCK(?, 0) AS got', [name]);
    if (Number(rows[0]?.got) !== 1) {
      const holder = await findLockHolder(session, name);
      throw new PoolError(
        'CONFLICT',
        `${activity} in progress (held by ${holder ? describeHolder(holder) : 'another session'}). Wait for it to finish, then try again.`,
        { lock: name, holder },
      );
    }
    // Work runs on other connections: check between steps that the lock did not die with its own.
    const assertStillHeld = async () => {
      const [held] = await ask(session, 'SELECT IS_USED_LOCK(?) = CONNECTION_ID() AS mine', [name])
        .catch(() => [[{ mine: 0 }] as mysql.RowDataPacket[]]);
      if (Number(held[0]?.mine) !== 1) {
        throw new PoolError('CONFLICT', `${activity} stopped: its database lock was lost (connection closed). Check the status before running it again.`);
      }
    };
    try {
      return await work(assertStillHeld);
    } finally {
      await ask(session, 'SELECT RELEASE_LOCK(?)', [name]).catch(() => undefined);
    }
  } catch (error) {
    throw classifyError(error, errorTarget(profile));
  } finally {
    await endSession(session);
  }
}

/** The current holder of a lock, or null; for "who holds the migration lock" in the UI. */
export async function currentLockHolder(profile: ConnectionProfile, purpose: string): Promise<LockHolder | null> {
  const session = await openSession(profile);
  try {
    return await findLockHolder(session, lockName(purpose, profile.database));
  } catch (error) {
    throw classifyError(error, errorTarget(profile));
  } finally {
    await endSession(session);
  }
}
