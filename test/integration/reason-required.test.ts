import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleService } from '../../src/core/console/console-service.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { consoleService, savedFor } from '../helpers/serve-fixture.js';
import { makeTempDir } from '../helpers/temp-dirs.js';

/*
 * Every applying write needs a reason of at least 3 non-blank characters, or it is refused with
 * INVALID_INPUT and nothing changes: through the contract (ConsoleService.dispatch, as the UI
 * calls it) and through the CLI. "Nothing changes" is a fingerprint of every pool column, the
 * audit log, the migrations and the event counters, taken before and after.
 */

const t = poolDatabase();
const BAD_REASONS = [undefined, '', '   ', '—', 'ab', ' a  b '];

let service: ConsoleService;
let failedId: number;
let stuckId: number;
let snapshotText: string;

async function fingerprint(): Promise<unknown> {
  const [[pool]] = await t.admin.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n, BIT_XOR(CRC32(CONCAT_WS('|', BOOKING_ID, POOL_STATUS, POOL_ENTRY_TIME, POOL_DEADLINE_TIME, POOL_PROCESSING_ATTEMPTS,
            POOL_MODE, POOL_CLAIMED_BY, POOL_CLAIMED_AT, POOL_LAST_ERROR, updated_at))) AS crc FROM BOOKING_PLAN`,
  );
  const [[audit]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n, COALESCE(MAX(AUDIT_ID), 0) AS last FROM POOL_AUDIT_LOG');
  const [migrations] = await t.admin.query<RowDataPacket[]>('SELECT NAME AS name FROM POOL_CONSOLE_MIGRATIONS ORDER BY NAME');
  const [[events]] = await t.admin.query<RowDataPacket[]>('SELECT COALESCE(SUM(TOTAL), 0) AS total FROM POOL_EVENT_COUNTS');
  const [alertRules] = await t.admin.query<RowDataPacket[]>('SELECT KIND, ENABLED, THRESHOLD, WINDOW_MINUTES, UPDATED_BY, UPDATED_AT FROM POOL_ALERT_RULES ORDER BY KIND');
  const [[control]] = await t.admin.query<RowDataPacket[]>('SELECT COUNT(*) AS n, COALESCE(SUM(PAUSED), 0) AS paused FROM POOL_CONTROL');
  const [indexes] = await t.admin.query<RowDataPacket[]>(
    'SELECT DISTINCT INDEX_NAME AS name FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY INDEX_NAME',
    ['BOOKING_PLAN'],
  );
  return { pool, audit, migrations, events, indexes, control, alertRules };
}

beforeAll(async () => {
  const ids = await insertBookings(t.admin, { count: 6 });
  failedId = ids[0]!;
  stuckId = ids[1]!;
  await poolDirectly(t.admin, [failedId], { status: 'failed', attempts: 1 });
  await poolDirectly(t.admin, [stuckId], { status: 'processing', attempts: 1, claimedBy: 'w-dead', claimedSecondsAgo: 7200 });
  await poolDirectly(t.admin, [ids[2]!], { status: 'waiting', attempts: -1 });
  const [rows] = await t.admin.query<RowDataPacket[]>('SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart FROM BOOKING_PLAN WHERE BOOKING_ID IN (?)', [ids.slice(3)]);
  snapshotText = JSON.stringify({
    entries: rows.map((row, index) => {
      const start = (row.timeStart as Date).getTime();
      return {
        bookingId: row.id, meetingType: row.meetingType, startTime: new Date(start).toISOString(), endTime: new Date(start + 3_600_000).toISOString(),
        priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30, poolEntryTime: new Date(Date.UTC(2025, 0, 1) + index * 1000).toISOString(),
        decisionWindowTime: new Date(start - 3 * 86_400_000).toISOString(),
      };
    }),
  });
  ({ service } = await consoleService());
  await service.session.connect(savedFor('reason test', t.profile), t.profile);
});

afterAll(async () => {
  await service?.close();
});

describe('an applying write without a reason is refused with INVALID_INPUT, and nothing changes', { timeout: 240_000 }, () => {
  it('through the contract (ConsoleService.dispatch), for every applying operation', async () => {
    const writes: [string, Record<string, unknown>][] = [
      ['entries.retry', { bookingId: failedId }],
      ['entries.reset', { bookingId: stuckId }],
      ['entries.remove', { bookingId: failedId }],
      ['entries.bulk.apply', { action: 'retry', match: { status: 'failed' } }],
      ['maintenance.cleanup.apply', { confirm: t.name }],
      ['maintenance.retryFailed', { maxAttempts: 3 }],
      ['maintenance.resetStuck', { olderThanSeconds: 3600 }],
      ['migrations.down', {}],
      ['migrations.up', {}],
      ['indexes.ensure.apply', {}],
      ['import.apply', { snapshot: snapshotText }],
      ['pool.pause', {}],
      ['pool.resume', {}],
      ['workers.release', { ownerId: 'w-dead' }],
      ['alerts.rules.update', { kind: 'stuck-leases', threshold: 5 }],
    ];
    const before = await fingerprint();
    for (const [operation, input] of writes) {
      for (const reason of BAD_REASONS) {
        const reply = await service.dispatch(operation, reason === undefined ? input : { ...input, reason });
        expect(reply, `${operation} with reason ${JSON.stringify(reason)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
        if (!reply.ok) expect(reply.error.message).toMatch(/reason/i);
      }
    }
    expect(await fingerprint()).toEqual(before);

    // Previews need none, and the same write with a reason goes through (so the refusals above were the reason's doing).
    expect(await service.dispatch('maintenance.cleanup.preview', {})).toMatchObject({ ok: true });
    expect(await service.dispatch('import.preview', { snapshot: snapshotText })).toMatchObject({ ok: true });
    expect(await service.dispatch('entries.retry', { bookingId: failedId, reason: 'INC-77' })).toEqual({ ok: true, result: { changed: true } });
    expect(await fingerprint()).not.toEqual(before);
  });

  it('through the CLI, for every applying command, before connecting', async () => {
    const file = join(await makeTempDir(), 'export.json');
    await writeFile(file, snapshotText);
    const { host, port, user, password, database } = t.profile;
    const cli = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['bin/pool-console.mjs', ...args, '--url', `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`], {
          env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password },
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
    const commands = [['cleanup'], ['retry-failed'], ['reset-stuck'], ['import-memory', file], ['migrate', 'down'], ['migrate', 'up'], ['pause'], ['resume', '--mode', 'URGENT'], ['workers', 'release', 'w-dead'], ['alerts', 'set', 'stuck-leases', '--threshold', '5']];
    const before = await fingerprint();
    // One process at a time (each is a Node start-up; the machine is shared): no --reason, or one too short.
    const runs = [];
    for (const [i, command] of commands.entries()) {
      const args = i % 2 === 0 ? command : [...command, '--reason', i % 4 === 1 ? '—' : '  x '];
      runs.push({ command: args, ...(await cli(args)) });
    }
    for (const run of runs) {
      expect(run.code, `${run.command.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toMatch(/INVALID_INPUT: Invalid --reason/);
    }
    expect(await fingerprint()).toEqual(before);
    // A dry run needs no reason.
    expect((await cli(['cleanup', '--dry-run'])).code).toBe(0);
  });
});
