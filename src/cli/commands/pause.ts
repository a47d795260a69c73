import { PoolError } from '../../shared/errors.js';
import { describePause } from '../../shared/pause-text.js';
import { REASON_HINT } from '../../shared/results/audit.js';
import type { PauseChange } from '../../shared/results/control.js';
import { connectionOptions } from '../connection.js';
import { EXIT_OK } from '../output.js';
import { actorOption, call, checkedInput, jsonOption, withConsole, type ConsoleFlags, type Register } from './command.js';

interface PauseFlags extends ConsoleFlags {
  mode?: string;
  until?: string;
  reason?: string;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * --until as typed: a duration from now ("30m", "2h", "90s", "1d": forSeconds, by the database
 * clock), a UTC time of day ("15:00": the next one), or a date-time ("2026-12-02T15:00Z").
 */
export function untilInput(text: string | undefined, now = new Date()): { until?: Date; forSeconds?: number } {
  if (text === undefined) return {};
  const value = text.trim();
  const duration = /^(\d+)\s*([smhd])$/i.exec(value);
  if (duration) return { forSeconds: Number(duration[1]) * UNITS[duration[2]!.toLowerCase()]! };
  const clock = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (clock && Number(clock[1]) < 24 && Number(clock[2]) < 60) {
    const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), Number(clock[1]), Number(clock[2])));
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    return { until: at };
  }
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) {
    throw new PoolError('INVALID_INPUT', `Invalid --until: give a duration (30m, 2h), a UTC time of day (15:00) or a date-time (2026-12-02T15:00Z) (got '${text}').`);
  }
  return { until: at };
}

/** Pause and resume have no dry run: a missing reason is said so, not "or use --dry-run". */
function requireReason(reason: string | undefined): void {
  if (reason === undefined) throw new PoolError('INVALID_INPUT', `Invalid --reason: required: ${REASON_HINT}`);
}

function render(change: PauseChange, what: string, verb: 'paused' | 'resumed'): string {
  const { state } = change;
  const head = verb === 'paused'
    ? `${change.wasPaused ? 'still paused (reason, actor and auto-resume updated)' : 'paused'}: claiming of ${what}`
    : change.wasPaused ? `resumed: claiming of ${what}` : `nothing to resume: claiming of ${what} was not paused`;
  const now = state.pauses.length ? state.pauses.map((pause) => `  ${describePause(pause, state.measuredAt)}`) : ['  claiming runs: nothing is paused'];
  return [head, 'in force now:', ...now].join('\n');
}

/** `pause`: pool.pause, for the whole pool or --mode, optionally --until. */
export const pauseCommand: Register = (program, done) => {
  const command = program
    .command('pause')
    .description('pause claiming for the whole pool or one --mode; workers are answered "paused" (pool.pause)')
    .option('--mode <mode>', 'only this mode (BALANCE, URGENT, NORMAL, CUSTOM)')
    .option('--until <time>', 'resume by itself: a duration (30m, 2h), a UTC time of day (15:00) or a date-time')
    .option('--reason <text>', 'why (at least 3 non-blank characters), recorded in POOL_AUDIT_LOG; required');
  jsonOption(actorOption(connectionOptions(command))).action((flags: PauseFlags) =>
    done(async () => {
      requireReason(flags.reason);
      const input = checkedInput('pool.pause', { mode: flags.mode, ...untilInput(flags.until), reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const change = await call(service, 'pool.pause', input);
        out.result(change, () => render(change, flags.mode ?? 'the whole pool', 'paused'));
        return EXIT_OK;
      });
    }),
  );
};

/** `resume`: pool.resume, the whole-pool pause or --mode's. */
export const resumeCommand: Register = (program, done) => {
  const command = program
    .command('resume')
    .description("resume claiming: the whole-pool pause, or one --mode's (pool.resume)")
    .option('--mode <mode>', "only this mode's pause")
    .option('--reason <text>', 'why (at least 3 non-blank characters), recorded in POOL_AUDIT_LOG; required');
  jsonOption(actorOption(connectionOptions(command))).action((flags: PauseFlags) =>
    done(async () => {
      requireReason(flags.reason);
      const input = checkedInput('pool.resume', { mode: flags.mode, reason: flags.reason });
      return withConsole(flags, async (service, out) => {
        const change = await call(service, 'pool.resume', input);
        out.result(change, () => render(change, flags.mode ?? 'the whole pool', 'resumed'));
        return EXIT_OK;
      });
    }),
  );
};
