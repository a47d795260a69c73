import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { defaultActor, type AuditContext } from '../audit/audit-log.js';
import type { Database } from '../db/database.js';
import { withNamedLock } from '../db/named-lock.js';
import { indexHealth } from '../health/index-health.js';
import { readPoolHealth } from '../health/pool-health.js';
import { validateIntegrity } from '../maintenance/cleanup.js';
import { poolColumns } from '../schema/pool-columns.js';
import { schemaReport, type SchemaReport } from '../schema/schema-report.js';
import { DatabaseBookingPool, DEFAULT_MAX_ATTEMPTS } from './database-booking-pool.js';
import type { IntegritySummary, StartupReport, SystemCheck, SystemStatus } from '../../shared/results/health.js';

export type { IntegritySummary, StartupReport, SystemCheck, SystemState, SystemStatus } from '../../shared/results/health.js';

/** The read-only integrity check start-up runs; validateIntegrity unless another is given. */
export type IntegrityCheck = (db: Database, options: { leaseTimeoutSeconds: number }) => Promise<IntegritySummary>;

export interface PoolStartupOptions {
  /** A processing entry whose lease is older than this is stuck (default 3600 s, as the original). */
  leaseTimeoutSeconds?: number;
  /** Attempts after which a failed entry counts as failed for good (default 3). */
  maxAttempts?: number;
  integrityCheck?: IntegrityCheck;
}

const STARTUP_LOCK = 'startup';

const optionsSchema = z.object({
  leaseTimeoutSeconds: z.number().int().min(1).max(366 * 86_400).default(3600),
  maxAttempts: z.number().int().min(1).max(100).default(DEFAULT_MAX_ATTEMPTS),
});

const defaultIntegrityCheck: IntegrityCheck = async (db, options) => {
  const report = await validateIntegrity(db, options);
  return { passed: report.passed, rules: report.rules.map((rule) => ({ id: rule.id, count: rule.count })) };
};

/** What the schema lacks, from the schema report; empty lists when nothing is missing. */
function missingSchema(report: SchemaReport) {
  return {
    table: report.bookingPlan ? [] : ['BOOKING_PLAN'],
    columns: report.columns.filter((column) => !column.present).map((column) => column.name),
    indexes: report.indexes.filter((index) => index.servedBy === null).map((index) => index.name),
    tables: report.tables.filter((table) => !table.present).map((table) => table.name),
  };
}

function describeMissing(missing: ReturnType<typeof missingSchema>): string[] {
  const parts: string[] = [];
  if (missing.table.length) parts.push('table BOOKING_PLAN is missing');
  if (missing.columns.length) parts.push(`pool columns missing: ${missing.columns.join(', ')}`);
  if (missing.indexes.length) parts.push(`pool indexes missing: ${missing.indexes.join(', ')}`);
  if (missing.tables.length) parts.push(`tables missing: ${missing.tables.join(', ')}`);
  return parts;
}

/** Runs `check`; a classified failure becomes a failed check, anything else (a bug) is thrown. */
async function attempt<T>(check: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: PoolError }> {
  try {
    return { ok: true, value: await check() };
  } catch (error) {
    if (error instanceof PoolError) return { ok: false, error };
    throw error;
  }
}

/**
 * Brings the pool up on a booking server or console, checks it, and says how it is. Start-up runs
 * once at a time in this process and across every process on the database (a database lock).
 */
export class PoolStartupManager {
  readonly pool: DatabaseBookingPool;
  private readonly leaseTimeoutSeconds: number;
  private readonly maxAttempts: number;
  private readonly integrityCheck: IntegrityCheck;
  private running: Promise<StartupReport> | null = null;

  constructor(readonly db: Database, options: PoolStartupOptions = {}) {
    const parsed = optionsSchema.safeParse({ leaseTimeoutSeconds: options.leaseTimeoutSeconds, maxAttempts: options.maxAttempts });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new PoolError('INVALID_INPUT', `Invalid ${issue?.path.join('.') || 'option'}: ${issue?.message ?? 'rejected'}.`);
    }
    this.leaseTimeoutSeconds = parsed.data.leaseTimeoutSeconds;
    this.maxAttempts = parsed.data.maxAttempts;
    this.integrityCheck = options.integrityCheck ?? defaultIntegrityCheck;
    this.pool = new DatabaseBookingPool(db);
  }

  /**
   * Checks the schema (never migrates: that is an operator's decision), resets expired leases, runs
   * the integrity check and records the run in POOL_AUDIT_LOG. Concurrent calls in this process share
   * one run; a run in another process makes this one fail with CONFLICT naming the holder.
   */
  initializePoolSystem(context: AuditContext = {}): Promise<StartupReport> {
    this.running ??= this.initializeOnce(context).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Checks that can fail: the database answers, the schema is complete, each hot query uses its index. */
  async validatePoolSystem(): Promise<SystemCheck[]> {
    const checks: SystemCheck[] = [];
    const failed = (check: string, error: PoolError): SystemCheck => ({ check, ok: false, detail: error.message, code: error.code });

    const ping = await attempt(() => this.db.ping());
    const where = `${this.db.profile.host}:${this.db.profile.port}/${this.db.profile.database}`;
    checks.push(ping.ok ? { check: 'database.reachable', ok: true, detail: `${where} answers` } : failed('database.reachable', ping.error));
    if (!ping.ok) {
      // Nothing else can be known; the checks are listed as not passed rather than left out.
      for (const check of ['schema', 'query.plans']) checks.push({ check, ok: false, detail: 'not checked: the database did not answer' });
      return checks;
    }

    const report = await attempt(() => schemaReport(this.db));
    if (!report.ok) {
      checks.push(failed('schema', report.error), { check: 'query.plans', ok: false, detail: 'not checked: the schema could not be read' });
      return checks;
    }
    const missing = missingSchema(report.value);
    const part = (check: string, names: string[], what: string) =>
      checks.push(names.length === 0 ? { check, ok: true, detail: `all expected ${what} present` } : { check, ok: false, detail: `missing ${what}: ${names.join(', ')}; run \`pool-console migrate up\`` });
    part('schema.table', missing.table, 'host table');
    part('schema.columns', missing.columns, 'pool columns');
    part('schema.indexes', missing.indexes, 'pool indexes');
    part('schema.tables', missing.tables, 'console tables');
    const columns = await poolColumns(this.db);
    if (!columns.table || columns.missingCore.length > 0) {
      checks.push({ check: 'query.plans', ok: false, detail: `not checked: the pool columns are missing (${columns.missingCore.join(', ')})` });
      return checks;
    }

    const health = await attempt(() => indexHealth(this.db, { leaseSeconds: this.leaseTimeoutSeconds, maxAttempts: this.maxAttempts }));
    if (!health.ok) {
      checks.push(failed('query.plans', health.error));
      return checks;
    }
    for (const plan of health.value.queries) {
      checks.push({ check: `query.${plan.name}`, ok: plan.verdict === 'good', detail: `${plan.label}: ${plan.verdict}: ${plan.reason}` });
    }
    return checks;
  }

  /**
   * healthy, degraded (with reasons) or down: the one health model (core/health/pool-health.ts).
   * The heartbeat's liveness is applied around it (health/status-within.ts), within the status deadline.
   */
  async getSystemStatus(options: { plans?: boolean } = {}): Promise<SystemStatus> {
    return readPoolHealth(this.db, { leaseSeconds: this.leaseTimeoutSeconds, maxAttempts: this.maxAttempts, ...options });
  }

  private async initializeOnce(context: AuditContext): Promise<StartupReport> {
    const actor = context.actor ?? defaultActor();
    return withNamedLock(this.db.profile, STARTUP_LOCK, 'Pool start-up', async (assertStillHeld) => {
      await this.requireSchema();
      const done = { stuckReset: 0 };
      const parameters = () => ({ leaseTimeoutSeconds: this.leaseTimeoutSeconds, stuckReset: done.stuckReset });
      try {
        await assertStillHeld();
        const { reset } = await this.pool.resetStuckProcessing({
          olderThanSeconds: this.leaseTimeoutSeconds,
          audit: { actor, reason: `start-up: leases older than ${this.leaseTimeoutSeconds} s` },
        });
        done.stuckReset = reset;
        await assertStillHeld();
        const integrity = await this.integrityCheck(this.db, { leaseTimeoutSeconds: this.leaseTimeoutSeconds });
        const summary: IntegritySummary = { passed: integrity.passed, rules: integrity.rules.map(({ id, count }) => ({ id, count })) };
        await this.pool.audit.record({
          action: 'startup.initialize',
          context: { actor, reason: context.reason },
          parameters: { ...parameters(), integrity: { passed: summary.passed, counts: Object.fromEntries(summary.rules.map((rule) => [rule.id, rule.count])) } },
          affectedRows: done.stuckReset,
          outcome: 'ok',
        });
        return { actor, leaseTimeoutSeconds: this.leaseTimeoutSeconds, stuckReset: done.stuckReset, integrity: summary };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        // Best effort: the database may be what failed; the original error is the one to report.
        await this.pool.audit
          .record({ action: 'startup.initialize', context: { actor }, parameters: parameters(), affectedRows: done.stuckReset, outcome: 'error', reason: `failed: ${message}` })
          .catch(() => undefined);
        throw error;
      }
    });
  }

  /** Refuses to start on an incomplete schema, before changing anything. */
  private async requireSchema(): Promise<void> {
    const missing = missingSchema(await schemaReport(this.db));
    const parts = describeMissing(missing);
    if (parts.length === 0) return;
    const absent = missing.table.length + missing.columns.length + missing.tables.length > 0;
    throw new PoolError(
      absent ? 'NO_TABLE' : 'CONFLICT',
      `The pool schema of database '${this.db.profile.database}' is incomplete (${parts.join('; ')}). Run \`pool-console migrate up\`, then start again. Start-up changed nothing.`,
      { missing },
    );
  }
}

