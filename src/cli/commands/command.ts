import type { Command } from 'commander';
import { z } from 'zod';
import type { ConsoleService } from '../../core/console/console-service.js';
import { classifyError } from '../../core/db/classify-error.js';
import { MemoryLog } from '../../server/memory-log.js';
import { OPERATIONS, type InputOf, type OperationName, type ResultOf } from '../../shared/contract.js';
import { PoolError } from '../../shared/errors.js';
import { REASON_HINT } from '../../shared/results/audit.js';
import { unwrapReply } from '../../shared/wire.js';
import { ENTRY_MATCH_FLAGS } from '../entry-match-flags.js';
import { connectTarget, consoleService, profileStore, resolveTarget, type ConnectionFlags } from '../connection.js';
import { cancelOnInterrupt } from '../interrupt.js';
import { createOutput, type Output } from '../output.js';

/** Runs a command's work and keeps its exit code (commander's actions return nothing). */
export type Done = (work: () => Promise<number>) => Promise<void>;

/** Adds one command to the program; its action hands its work to `done`. */
export type Register = (program: Command, done: Done) => void;

/**
 * The one flag for each contract input field: one name per idea across all commands (a lease
 * timeout is --lease-timeout wherever the contract calls it leaseSeconds, leaseTimeoutSeconds or
 * olderThanSeconds). A refused value names its flag.
 */
export const FIELD_FLAGS: Readonly<Record<string, string>> = {
  leaseSeconds: '--lease-timeout',
  leaseTimeoutSeconds: '--lease-timeout',
  olderThanSeconds: '--lease-timeout',
  maxAttempts: '--max-attempts',
  limit: '--limit',
  reason: '--reason',
  confirm: '--confirm',
  rules: '--rule',
  ...ENTRY_MATCH_FLAGS,
  after: '--after',
  sort: '--sort',
  order: '--order',
  to: '--to',
  snapshot: 'FILE',
  until: '--until',
  forSeconds: '--until',
  ownerId: 'OWNER',
  kind: 'KIND',
  threshold: '--threshold',
  windowMinutes: '--window-minutes',
  enabled: '--enable/--disable',
  deadline: '--deadline',
  cap: '--cap',
  action: 'ACTION',
};

/** What a missing value needs, where the schema's own words would not say it. */
const MISSING: Readonly<Record<string, string>> = {
  reason: `required to apply (or use --dry-run): ${REASON_HINT}`,
  confirm: "required to apply: name the database it runs on (e.g. --confirm booking), as the console's confirmation does",
};

/** A whole number as typed; anything else stays text, so the contract's schema refuses it, naming the flag. */
export function integer(value: string): number | string {
  return /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
}

/** A number as typed (decimals allowed); anything else stays text, so the contract's schema refuses it, naming the flag. */
export function decimal(value: string): number | string {
  return /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : value;
}

/** --json: the result as JSON on stdout. */
export function jsonOption(command: Command): Command {
  return command.option('--json', 'the result as JSON on stdout');
}

/** Who did it, recorded in POOL_AUDIT_LOG with every write. */
export function actorOption(command: Command): Command {
  return command.option('--actor <name>', 'who, for the audit log (default: OS user@host)');
}

/** The flags of a write: a preview, or the reason it is applied (and who applies it). */
export function writeOptions(command: Command): Command {
  return actorOption(
    command
      .option('--dry-run', 'show what would change; change nothing (needs no --reason)')
      .option('--reason <text>', 'why (at least 3 non-blank characters), recorded in POOL_AUDIT_LOG; required to apply'),
  );
}

/**
 * The contract's own check of an operation's input, before anything connects: the first problem
 * becomes `Invalid --flag: why (got 'value').`. The service checks it again on dispatch.
 */
export function checkedInput<N extends OperationName>(name: N, input: Record<string, unknown>): InputOf<N> {
  const defined = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
  const parsed = OPERATIONS[name].input.safeParse(defined);
  if (parsed.success) return defined as InputOf<N>;
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
  const given = field === undefined ? undefined : defined[field];
  const flag = field === undefined ? 'input' : (FIELD_FLAGS[field] ?? field);
  const why = given === undefined && field !== undefined && MISSING[field] ? MISSING[field] : (issue?.message ?? 'rejected');
  const got = typeof given === 'string' || typeof given === 'number' ? ` (got '${given}')` : '';
  throw new PoolError('INVALID_INPUT', `Invalid ${flag}: ${why.replace(/\.$/, '')}${got}.`);
}

/**
 * One operation through the service's dispatch (its validation, read-only refusal and audit): the
 * result, or its error. Ctrl-C cancels it (cancelOnInterrupt).
 */
export async function call<N extends OperationName>(service: ConsoleService, name: N, input: InputOf<N>): Promise<ResultOf<N>> {
  const reply = await cancelOnInterrupt((line) => process.stderr.write(`${line}\n`), (signal) => service.dispatch(name, input, { signal }));
  return unwrapReply(reply) as ResultOf<N>;
}

export interface ConsoleFlags extends ConnectionFlags {
  actor?: string;
  json?: boolean;
}

/**
 * Connects a console service to the flags' database (as the desktop app's and serve mode's), shows
 * its progress events on stderr, runs `work` and closes it. Errors name the server, never the password.
 */
export async function withConsole(flags: ConsoleFlags, work: (service: ConsoleService, out: Output) => Promise<number>): Promise<number> {
  const profiles = profileStore();
  const target = await resolveTarget(flags, profiles);
  const out = createOutput(Boolean(flags.json), [target.connection.password]);
  const service = consoleService({ shell: 'cli', profiles, log: new MemoryLog(), actor: flags.actor });
  const stopProgress = service.subscribe('progress', {}, (event) => out.progress(event.message));
  try {
    await connectTarget(service, target);
    return await work(service, out);
  } catch (error) {
    throw classifyError(error, target.connection);
  } finally {
    stopProgress();
    await service.close();
  }
}

/** Parses a tool's own flags (simulate, serve: no contract operation); the first problem names its flag. */
export function parseFlags<S extends z.ZodType>(schema: S, flags: Record<string, unknown>, names: Record<string, string> = {}): z.output<S> {
  const result = schema.safeParse(flags);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const given = typeof key === 'string' ? flags[key] : undefined;
  const got = typeof given === 'string' ? ` (got '${given}')` : '';
  const name = typeof key === 'string' ? (names[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`) : 'options';
  throw new PoolError('INVALID_INPUT', `Invalid ${name}: ${issue?.message ?? 'rejected'}${got}.`);
}

/** A whole number flag of a tool within [min, max]; digits only, so '', '1e3', '0x10' and '-1' are refused. */
export function intFlag(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A decimal flag of a tool within [min, max], e.g. a rate 0–1. */
export function decimalFlag(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, `must be a number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** Right-aligned numbers and left-aligned labels, for the text output. */
export function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  return rows
    .map((row) => row.map((cell, i) => (typeof cell === 'number' ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}
