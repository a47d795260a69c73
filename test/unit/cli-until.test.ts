import { describe, expect, it } from 'vitest';
import { untilInput } from '../../src/cli/commands/pause.js';
import { PoolError } from '../../src/shared/errors.js';

/* `pause --until`: a duration, a UTC time of day or a date-time; anything else refused naming the flag. */

const NOW = new Date('2026-12-02T14:02:30Z');

describe('pause --until', () => {
  it('takes a duration as seconds from now (the database clock counts them)', () => {
    expect(untilInput('30m', NOW)).toEqual({ forSeconds: 1800 });
    expect(untilInput('2h', NOW)).toEqual({ forSeconds: 7200 });
    expect(untilInput('90s', NOW)).toEqual({ forSeconds: 90 });
    expect(untilInput('1D', NOW)).toEqual({ forSeconds: 86_400 });
  });

  it('takes a UTC time of day as the next one, and a date-time as given', () => {
    expect(untilInput('15:00', NOW)).toEqual({ until: new Date('2026-12-02T15:00:00Z') });
    expect(untilInput('14:00', NOW)).toEqual({ until: new Date('2026-12-03T14:00:00Z') });
    expect(untilInput('2026-12-05T08:30Z', NOW)).toEqual({ until: new Date('2026-12-05T08:30:00Z') });
    expect(untilInput(undefined, NOW)).toEqual({});
  });

  it('refuses anything else with INVALID_INPUT naming --until and the value', () => {
    for (const text of ['soon', '25:00', '12:75', '30', '-5m', '2026-13-45']) {
      const error = (() => {
        try {
          untilInput(text, NOW);
          return null;
        } catch (caught) {
          return caught;
        }
      })();
      expect(error, text).toBeInstanceOf(PoolError);
      expect((error as PoolError).code).toBe('INVALID_INPUT');
      expect((error as PoolError).message).toContain(`Invalid --until`);
      expect((error as PoolError).message).toContain(`(got '${text}')`);
    }
  });
});
