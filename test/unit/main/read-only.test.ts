import type { RowDataPacket } from 'mysql2/promise';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ConsoleService } from '../../../src/core/console/console-service.js';
import { createDesktopConsole } from '../../../src/main/desktop-console.js';
import { bindContractToIpc, type ContractBinding } from '../../../src/main/ipc.js';
import { RecentLogLines } from '../../../src/main/recent-log-lines.js';
import { safeStorageBox } from '../../../src/main/secret-box.js';
import { OPERATION_NAMES, OPERATIONS, type OperationName } from '../../../src/shared/contract.js';
import { insertBookings, poolDatabase, poolDirectly } from '../../helpers/pool-database.js';
import { FakeWebContents, invokeEvent, ipcRequest } from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));

/**
 * A read-only profile is enforced in main, on a real database: whatever the page sends, no
 * writing operation gets through, and the database is left exactly as it was.
 */
const target = poolDatabase();
const APP = new URL('file:///opt/pool-console/out/renderer/index.html');
const page = new FakeWebContents(APP.href);
const noLog = { warn: () => undefined, error: () => undefined };
let nextId = 1;
const call = (name: string, input: unknown) => ipcRequest(invokeEvent(page), { id: nextId++, type: 'call', name, input }) as Promise<{ ok: boolean; result?: never; error?: { code: string } }>;

let dir: string;
let service: ConsoleService;
let binding: ContractBinding;
let failedIds: number[];

/** A valid input for every writing operation: the refusal must come from the profile, not the schema. */
function writingInputs(database: string): Partial<Record<OperationName, unknown>> {
  const bookingId = failedIds[0];
  return {
    'entries.retry': { bookingId, reason: 'test' },
    'entries.reset': { bookingId, reason: 'test' },
    'entries.remove': { bookingId, reason: 'test' },
    'entries.bulk.apply': { action: 'retry', match: { status: 'failed' }, reason: 'test' },
    'maintenance.cleanup.apply': { confirm: database, reason: 'test' },
    'maintenance.retryFailed': { maxAttempts: 10, reason: 'test' },
    'maintenance.resetStuck': { olderThanSeconds: 0, reason: 'test' },
    'migrations.up': { reason: 'test' },
    'migrations.down': { reason: 'test' },
    'indexes.ensure.apply': { reason: 'test' },
    'pool.pause': { reason: 'test' },
    'pool.resume': { reason: 'test' },
    'workers.release': { ownerId: 'worker-gone', reason: 'test', force: true },
    'alerts.rules.update': { kind: 'stuck-leases', threshold: 5, reason: 'test' },
    'import.apply': { snapshot: '[]', reason: 'test' },
  };
}

async function databaseState(): Promise<unknown> {
  const [pool] = await target.admin.query<RowDataPacket[]>(
    'SELECT BOOKING_ID, POOL_STATUS, POOL_MODE, POOL_PROCESSING_ATTEMPTS, POOL_CLAIMED_BY FROM BOOKING_PLAN ORDER BY BOOKING_ID',
  );
  const [columns] = await target.admin.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', ['BOOKING_PLAN'],
  );
  const [migrations] = await target.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_CONSOLE_MIGRATIONS');
  const [audit] = await target.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM POOL_AUDIT_LOG');
  return { pool, columns, migrations, audit };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-readonly-'));
  const box = safeStorageBox({
    isEncryptionAvailable: () => true,
    encryptString: (plain) => Buffer.from(plain).reverse(),
    decryptString: (sealed) => Buffer.from(sealed).reverse().toString(),
  });
  service = createDesktopConsole({ userData: dir, box, sandbox: null, logs: new RecentLogLines(), log: noLog, managedProfiles: null });
  binding = bindContractToIpc({ service, appUrl: APP, log: noLog });
  failedIds = await insertBookings(target.admin, { count: 6 });
  await poolDirectly(target.admin, failedIds, { status: 'failed', attempts: 1 });
  const { host, port, user, password, database } = target.profile;
  const saved = await call('profiles.save', {
    profile: { name: 'prod-watch', host, port, user, database, environment: 'production', readOnly: true },
    password,
  });
  expect(saved.ok).toBe(true);
});

afterAll(async () => {
  binding?.dispose();
  await service?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a read-only profile', () => {
  it('has a test input for every writing operation in the contract', () => {
    const writing = OPERATION_NAMES.filter((name) => OPERATIONS[name].writes).sort();
    expect(Object.keys(writingInputs(target.name)).sort()).toEqual(writing);
  });

  it('refuses every writing operation with NO_PRIVILEGE and leaves the database as it was', async () => {
    expect(await call('connection.connect', { profile: 'prod-watch' })).toMatchObject({ ok: true, result: { readOnly: true, environment: 'production' } });
    const before = await databaseState();
    for (const [name, input] of Object.entries(writingInputs(target.name))) {
      const reply = await call(name, input);
      expect(reply, name).toMatchObject({ ok: false, error: { code: 'NO_PRIVILEGE', message: expect.stringContaining('read-only') } });
    }
    expect(await databaseState()).toEqual(before);
  });

  it('still answers reading operations', async () => {
    expect(await call('pool.stats', {})).toMatchObject({ ok: true, result: expect.any(Object) });
    expect(await call('entries.detail', { bookingId: failedIds[0] })).toMatchObject({ ok: true, result: { entry: { status: 'failed' } } });
  });

  it('is what stops the write: the same profile without the flag changes the database', async () => {
    const { host, port, user, database } = target.profile;
    await call('profiles.save', { profile: { name: 'prod-watch', host, port, user, database, environment: 'production', readOnly: false } });
    expect(await call('connection.connect', { profile: 'prod-watch' })).toMatchObject({ ok: true, result: { readOnly: false } });
    expect(await call('maintenance.retryFailed', { maxAttempts: 10, reason: 'test' })).toEqual({ ok: true, result: { retried: failedIds.length } });
    const [rows] = await target.admin.query<RowDataPacket[]>('SELECT DISTINCT POOL_STATUS AS status FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)', [failedIds]);
    expect(rows.map((row) => row['status'])).toEqual(['waiting']);
  });
});
