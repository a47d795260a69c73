import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RowDataPacket } from 'mysql2/promise';
import { beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../migrations/index.js';
import { hostSchemaSql } from '../fixtures/host-schema.js';
import { freshDatabase } from '../helpers/database.js';
import { snapshotSchema } from '../helpers/schema-snapshot.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/pool-console.mjs');

const fresh = freshDatabase();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function databaseUrl(password = fresh.profile.password): string {
  const { user, host, port } = fresh.profile;
  return `mysql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${fresh.name}`;
}

/** `node bin/pool-console.mjs …args` with POOL_DATABASE_URL set (and nothing else of ours inherited). */
function cli(args: string[], url = databaseUrl()): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, POOL_DATABASE_URL: url };
  delete env.POOL_DATABASE_PASSWORD;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

/** stdout as JSON, with the whole run in the failure message if it is not JSON. */
function json<T = Record<string, unknown>>(run: Run): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`stdout is not JSON (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

interface DoctorJson {
  healthy: boolean;
  bookingPlan: boolean;
  server: { timeZone: string; database: string };
  columns: { name: string; present: boolean }[];
  indexes: { name: string; servedBy: string | null }[];
  tables: { name: string; present: boolean }[];
}
interface PlansJson {
  dryRun: boolean;
  direction: 'up' | 'down';
  plans: { name: string; steps: { summary: string; sql: string | null }[] }[];
}

beforeAll(async () => {
  await fresh.admin.query(hostSchemaSql('bare'));
});

describe('pool-console against a bare host schema', () => {
  it('doctor --json reports the incomplete schema and exits 1', async () => {
    const run = await cli(['doctor', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const report = json<DoctorJson>(run);
    expect(report.bookingPlan).toBe(true);
    expect(report.healthy).toBe(false);
    expect(report.server.database).toBe(fresh.name);
    expect(report.columns.length).toBeGreaterThan(0);
    expect(report.columns.every((column) => !column.present)).toBe(true);
    expect(report.tables).toContainEqual({ name: 'POOL_AUDIT_LOG', present: false });
  });

  it('migrate status --json lists every migration as pending', async () => {
    const run = await cli(['migrate', 'status', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const status = json<{ applied: unknown[]; pending: { name: string }[]; lockHolder: unknown }>(run);
    expect(status.applied).toEqual([]);
    expect(status.pending.map((migration) => migration.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    expect(status.pending).toHaveLength(MIGRATIONS.length);
    expect(status.lockHolder).toBeNull();
  });

  it('migrate up --dry-run --json shows the SQL and changes nothing', async () => {
    const before = await snapshotSchema(fresh.admin);
    const run = await cli(['migrate', 'up', '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = json<PlansJson>(run);
    expect(result.dryRun).toBe(true);
    expect(result.direction).toBe('up');
    expect(result.plans.map((plan) => plan.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    for (const plan of result.plans) {
      // nothing to adopt on a bare schema: every migration has SQL to run
      expect(plan.steps.some((step) => typeof step.sql === 'string' && /^(ALTER|CREATE) TABLE/i.test(step.sql)), plan.name).toBe(true);
    }
    expect(await snapshotSchema(fresh.admin)).toEqual(before);
  });

  it('migrate up --json applies everything, after which doctor --json is healthy', async () => {
    const up = await cli(['migrate', 'up', '--reason', 'first install', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const result = json<PlansJson>(up);
    expect(result.dryRun).toBe(false);
    expect(result.plans.map((plan) => plan.name)).toEqual(MIGRATIONS.map((migration) => migration.name));
    const [applied] = await fresh.admin.query<RowDataPacket[]>('SELECT NAME AS name FROM POOL_CONSOLE_MIGRATIONS ORDER BY NAME');
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.map((migration) => migration.name));

    const doctor = await cli(['doctor', '--json']);
    expect(doctor.code, doctor.stderr).toBe(0);
    const report = json<DoctorJson>(doctor);
    expect(report.healthy).toBe(true);
    expect(report.columns.every((column) => column.present)).toBe(true);
    expect(report.indexes.every((index) => index.servedBy !== null)).toBe(true);
    expect(report.server.timeZone).toBe('+00:00');
  });

  it('migrate down --json reverts the last migration only', async () => {
    const run = await cli(['migrate', 'down', '--reason', 'revert test', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = json<PlansJson>(run);
    const last = MIGRATIONS[MIGRATIONS.length - 1]?.name;
    expect(result.direction).toBe('down');
    expect(result.plans.map((plan) => plan.name)).toEqual([last]);
    const [applied] = await fresh.admin.query<RowDataPacket[]>('SELECT NAME AS name FROM POOL_CONSOLE_MIGRATIONS ORDER BY NAME');
    expect(applied.map((row) => row.name)).toEqual(MIGRATIONS.slice(0, -1).map((migration) => migration.name));
    // The last migration is the cluster lock rows: their table is gone; the indexes, the counters and the audit table stay.
    expect(last).toBe('0010-pool-locks');
    const schema = await snapshotSchema(fresh.admin);
    expect(schema.tables).not.toContain('POOL_LOCKS');
    expect(schema.tables).toContain('POOL_WORKERS');
    expect(schema.tables).toContain('POOL_EVENT_COUNTS');
    expect(schema.indexes.map((index) => index.name)).toContain('idx_pool_claim');
    expect(schema.tables).toContain('POOL_AUDIT_LOG');
  });
});

describe('pool-console errors', () => {
  it('exits 2 with AUTH_FAILED for a wrong password, and never prints the password', async () => {
    const password = 'Wr0ng-Pa55word!';
    const run = await cli(['doctor', '--json'], databaseUrl(password));
    expect(run.code).toBe(2);
    expect(json<{ error: { code: string; message: string } }>(run)).toMatchObject({ error: { code: 'AUTH_FAILED' } });
    expect(run.stdout + run.stderr).not.toContain(password);
    expect(run.stdout + run.stderr).not.toContain(encodeURIComponent(password));
  });

  it('exits 2 with INVALID_INPUT for an unknown command', async () => {
    const run = await cli(['frobnicate', '--json']);
    expect(run.code).toBe(2);
    expect(json(run)).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining("Unknown command 'frobnicate'") } });
  });

  it('exits 2 with INVALID_INPUT for an unknown flag, in text on stderr without --json', async () => {
    const run = await cli(['doctor', '--frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^error INVALID_INPUT: .*--frobnicate/);
  });

  it("serve's HTTP port is --listen-port; --port is the database's and does not apply to serve", async () => {
    const [port, listen] = await Promise.all([cli(['serve', '--port', '8080', '--json']), cli(['serve', '--listen-port', 'eighty', '--json'])]);
    expect([port.code, listen.code]).toEqual([2, 2]);
    expect(json(port)).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Option --port does not apply to 'serve'/) } });
    expect(json(listen)).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid --listen-port: .*\(got 'eighty'\)/) } });
  });

  it('--help prints the usage and exits 0; each command has its own', async () => {
    const run = await cli(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: pool-console');
    for (const command of ['doctor', 'migrate', 'stats', 'status', 'entries', 'cleanup', 'reset-stuck', 'call', 'ops', 'serve']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const resetStuck = await cli(['reset-stuck', '--help']);
    expect(resetStuck.code, resetStuck.stderr).toBe(0);
    expect(resetStuck.stdout).toContain('Usage: pool-console reset-stuck');
    // one flag per idea: the lease timeout is --lease-timeout, --port the database's
    expect(resetStuck.stdout).toContain('--lease-timeout <seconds>');
    expect(resetStuck.stdout).toMatch(/--port <port> +the database server's port/);
  });
});
