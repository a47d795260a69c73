import { describe, expect, it } from 'vitest';
import { statsFromRow } from '../../../src/core/console/recorded-figures.js';
import { DEFAULT_RECORDER_INTERVAL_MS, recorderIntervalMs } from '../../../src/core/console/recorder-interval.js';
import { PoolError } from '../../../src/shared/errors.js';
import type { MetricsPoint } from '../../../src/shared/results/metrics.js';

const statuses = (waiting: number, ready: number, processing: number, failed: number) => ({ waiting, ready, processing, failed });

function row(overrides: Partial<MetricsPoint> = {}): MetricsPoint {
  return {
    resolution: 10,
    time: new Date('2026-12-02T10:00:00.250Z'),
    recorderId: 'console ops@host pid 1 #abcdef',
    exact: true,
    samples: 1,
    inPool: 19,
    byStatus: statuses(10, 4, 3, 2),
    byModeStatus: { BALANCE: statuses(5, 1, 0, 0), URGENT: statuses(2, 2, 1, 0), NORMAL: statuses(3, 1, 2, 1), CUSTOM: statuses(0, 0, 0, 0), none: statuses(0, 0, 0, 1) },
    eligible: 6,
    overdue: 2,
    expiredLeases: 1,
    failedAtMaxAttempts: 1,
    oldestEntryAgeSeconds: 3600,
    deadlineWithin: { hour1: 1, hours6: 3, hours24: 8 },
    events: null,
    eventTotals: { entered: 40, claimed: 30, completed: 20, failed: 5, retried: 2, removed: 1, reset: 0 },
    sampleMs: 3,
    intervalMs: 10_000,
    note: null,
    ...overrides,
  };
}

describe('statsFromRow: a recorded row as the live stream has always sent it', () => {
  it('maps every figure, with the mode totals summed over the statuses', () => {
    expect(statsFromRow(row())).toEqual({
      measuredAt: new Date('2026-12-02T10:00:00.250Z'),
      inPool: 19,
      byStatus: statuses(10, 4, 3, 2),
      eligibleNow: 6,
      overdue: 2,
      expiredLeases: 1,
      leaseBasis: 'claim-time',
      failedAtMaxAttempts: 1,
      oldestEntryAgeSeconds: 3600,
      byMode: { BALANCE: 6, URGENT: 5, NORMAL: 7, CUSTOM: 0, none: 1 },
      deadlineWithin: { hour1: 1, hours6: 3, hours24: 8 },
      eventTotals: { entered: 40, claimed: 30, completed: 20, failed: 5, retried: 2, removed: 1, reset: 0 },
      unavailable: [],
    });
  });

  it('names what a row from a schema without modes or counters cannot give, never zeros in their place', () => {
    const stats = statsFromRow(row({ byModeStatus: null, eventTotals: null }));
    expect(stats.byMode).toEqual({ BALANCE: 0, URGENT: 0, NORMAL: 0, CUSTOM: 0, none: 19 });
    expect(stats.leaseBasis).toBe('entry-time');
    expect(stats.eventTotals).toBeNull();
    expect(stats.unavailable.map((figure) => figure.figure)).toEqual(['byMode', 'leases', 'eventTotals']);
    for (const figure of stats.unavailable) expect(figure.reason).toMatch(/migrate up/);
  });
});

describe('recorderIntervalMs: POOL_RECORDER_INTERVAL_MS', () => {
  it('is 10 s unless set, and the value set when it is a whole number of ms in range', () => {
    expect(recorderIntervalMs({})).toBe(DEFAULT_RECORDER_INTERVAL_MS);
    expect(DEFAULT_RECORDER_INTERVAL_MS).toBe(10_000);
    expect(recorderIntervalMs({ POOL_RECORDER_INTERVAL_MS: ' ' })).toBe(10_000);
    expect(recorderIntervalMs({ POOL_RECORDER_INTERVAL_MS: '2500' })).toBe(2500);
  });

  it.each(['99', '3600001', '1.5', '-100', 'ten', '1e4'])('refuses %s with INVALID_INPUT naming the variable', (value) => {
    let thrown: unknown;
    try {
      recorderIntervalMs({ POOL_RECORDER_INTERVAL_MS: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PoolError);
    expect(thrown).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('POOL_RECORDER_INTERVAL_MS') });
  });
});
