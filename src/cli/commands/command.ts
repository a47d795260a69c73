import { z } from 'zod';
import type { AuditContext } from '../../core/audit/audit-log.js';
import type { Database, DatabaseOptions } from '../../core/db/database.js';
import { PoolError } from '../../shared/errors.js';
import { reasonSchema, REASON_HINT } from '../../shared/results/audit.js';
import type { Output } from '../output.js';

/** parseArgs option shapes; every value arrives as a string (or strings), booleans as true. */
export type FlagSpec = { type: 'string'; multiple?: boolean } | { type: 'boolean' };

export interface PreparedCommand {
  run(db: Database, out: Output): Promise<number>;
  databaseOptions?: DatabaseOptions;
}

/** A pool-console command: its flags, how they are checked (before connecting), and what it does. */
export interface CliCommand {
  name: string;
  /** Lines for --help, without the leading `pool-console`. */
  usage: string[];
  options: Record<string, FlagSpec>;
  /** Names of the positional arguments after the command, all required. */
  positionals?: string[];
  prepare(flags: Record<string, unknown>, positionals: string[]): PreparedCommand;
}

/**
 * A command whose flags go through `schema` (keys are the flag names as typed, e.g. `max-attempts`).
 * A bad value fails with INVALID_INPUT naming the flag, before any connection is opened.
 */
export function defineCommand<S extends z.ZodType<Record<string, unknown>>>(spec: {
  name: string;
  usage: string[];
  options: Record<string, FlagSpec>;
  positionals?: string[];
  schema: S;
  run: (db: Database, args: z.output<S>, out: Output, positionals: string[]) => Promise<number>;
  databaseOptions?: (args: z.output<S>) => DatabaseOptions;
}): CliCommand {
  return {
    name: spec.name,
    usage: spec.usage,
    options: spec.options,
    positionals: spec.positionals,
    prepare(flags, positionals) {
      const expected = spec.positionals ?? [];
      if (positionals.length < expected.length) {
        throw new PoolError('INVALID_INPUT', `${spec.name} needs ${expected.slice(positionals.length).join(' ')}: pool-console ${spec.usage[0] ?? spec.name}.`);
      }
      if (positionals.length > expected.length) {
        throw new PoolError('INVALID_INPUT', `Unexpected argument '${positionals[expected.length]}' for ${spec.name}: pool-console ${spec.usage[0] ?? spec.name}.`);
      }
      const args = parseFlags(spec.schema, flags);
      return {
        run: (db, out) => spec.run(db, args, out, positionals),
        databaseOptions: spec.databaseOptions?.(args),
      };
    },
  };
}

/** Parses flag values; the first problem becomes `Invalid --flag: why (got 'value').`. */
export function parseFlags<S extends z.ZodType>(schema: S, flags: Record<string, unknown>): z.output<S> {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const flag = issue?.path[0];
  const given = typeof flag === 'string' ? flags[flag] : undefined;
  const got = typeof given === 'string' ? ` (got '${given}')` : '';
  const name = typeof flag === 'string' ? `--${flag}` : 'options';
  throw new PoolError('INVALID_INPUT', `Invalid ${name}: ${issue?.message ?? 'rejected'}${got}.`);
}

/** A whole number flag within [min, max]; digits only, so '', '1e3', '0x10' and '-1' are refused. */
export function intFlag(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A decimal flag within [min, max], e.g. a rate 0–1. */
export function decimalFlag(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, `must be a number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

export function enumFlag<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.join(', ')}` });
}

/** --actor and --reason: who and why, recorded with every write in POOL_AUDIT_LOG. */
export const AUDIT_OPTIONS = { actor: { type: 'string' }, reason: { type: 'string' } } as const satisfies Record<string, FlagSpec>;
export const auditFlags = {
  actor: z.string().trim().min(1, 'cannot be empty').max(255, 'must be at most 255 characters').optional(),
  reason: reasonSchema.optional(),
};

/** Every applying run needs --reason (at least 3 non-blank characters); a --dry-run needs none. Checked before connecting. */
export function requireReasonToApply(args: { 'dry-run'?: boolean; reason?: string }, ctx: z.RefinementCtx): void {
  if (!args['dry-run'] && args.reason === undefined) ctx.addIssue({ code: 'custom', path: ['reason'], message: `required to apply (or use --dry-run): ${REASON_HINT}` });
}

/** The audit context for a write; the actor defaults to the OS user@host (AuditLog does that). */
export function auditContext(args: { actor?: string; reason?: string }): AuditContext {
  return { ...(args.actor ? { actor: args.actor } : {}), ...(args.reason ? { reason: args.reason } : {}) };
}

/** Right-aligned numbers and left-aligned labels, for the text output. */
export function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) => row.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}
