import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LiveSample } from '../../src/core/console/live-sample.js';
import { HISTORY_MS, LiveSampler } from '../../src/core/console/live-sampler.js';
import { PoolError } from '../../src/shared/errors.js';

type Connection = 'connected' | 'lost';

/**
 * A sample function under the test's control: it counts calls, takes `delayMs` of (fake) time,
 * and throws `failWith` while that is set. The sampler is generic, so this is its real input.
 */
function source() {
  const state = {
    calls: 0,
    running: 0,
    maxRunning: 0,
    delayMs: 0,
    failWith: null as unknown,
    connection: 'connected' as Connection,
  };
  const sample = async (): Promise<{ n: number }> => {
    state.calls += 1;
    state.running += 1;
    state.maxRunning = Math.max(state.maxRunning, state.running);
    try {
      if (state.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.delayMs));
      if (state.failWith !== null) throw state.failWith;
      return { n: state.calls };
    } finally {
      state.running -= 1;
    }
  };
  const sampler = new LiveSampler<{ n: number }, Connection>({ sample, connectionState: () => state.connection });
  return { state, sampler };
}

function collector() {
  const samples: LiveSample<{ n: number }, Connection>[] = [];
  return { samples, listener: (sample: LiveSample<{ n: number }, Connection>) => samples.push(sample) };
}

/** Start times relative to the test's start, which the fake clock puts at 0. */
const startTimes = (samples: readonly LiveSample<unknown, unknown>[]) => samples.map((sample) => sample.at.getTime());
const gaps = (samples: readonly LiveSample<unknown, unknown>[]) => startTimes(samples).slice(1).map((at, i) => at - startTimes(samples)[i]!);

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveSampler', () => {
  it('samples at once on the first subscription, then every interval, pushing good samples', async () => {
    const { state, sampler } = source();
    const { samples, listener } = collector();
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(5000);

    expect(startTimes(samples)).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(samples.every((sample) => sample.kind === 'ok' && sample.backoff === null && sample.durationMs === 0)).toBe(true);
    expect(samples.map((sample) => (sample.kind === 'ok' ? sample.body.n : null))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(state.calls).toBe(6);
    expect(sampler.effectiveIntervalMs).toBe(1000);
    unsubscribe();
  });

  it('refuses intervals outside 1–30 s', () => {
    const { sampler } = source();
    for (const bad of [999, 30_001, 1500.5, Number.NaN]) {
      expect(() => sampler.subscribe(bad, () => {})).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
    expect(sampler.subscriberCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('samples at the smallest interval any subscriber asked for, and pushes to all of them', async () => {
    const { sampler } = source();
    const slow = collector();
    const fast = collector();
    const unsubscribeSlow = sampler.subscribe(10_000, slow.listener);
    await vi.advanceTimersByTimeAsync(1000);
    // a faster subscriber moves the pending sample forward: last start (0) + 2 s
    const unsubscribeFast = sampler.subscribe(2000, fast.listener);
    await vi.advanceTimersByTimeAsync(5000);
    expect(startTimes(slow.samples)).toEqual([0, 2000, 4000, 6000]);
    expect(startTimes(fast.samples)).toEqual([2000, 4000, 6000]);

    unsubscribeFast();
    expect(sampler.requestedIntervalMs).toBe(10_000);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(gaps(slow.samples).slice(3)).toEqual([10_000, 10_000]);
    expect(fast.samples).toHaveLength(3);
    unsubscribeSlow();
  });

  it('backs off when a sample takes more than 5% of the interval, says so, and recovers once fast', async () => {
    const { state, sampler } = source();
    const { samples, listener } = collector();
    state.delayMs = 120; // 12% of 1 s
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(9000);

    // 120 ms > 5% of 1 s and of 2 s; not of 4 s (the next sample is due at 10 s)
    expect(startTimes(samples)).toEqual([0, 2000, 6000]);
    const backedOff = samples[0]!;
    expect(backedOff.kind).toBe('ok');
    expect(backedOff.durationMs).toBe(120);
    expect(backedOff.backoff).toEqual({
      effectiveIntervalMs: 2000,
      requestedIntervalMs: 1000,
      reason: expect.stringMatching(/120 ms, more than 5% of the 1 s interval: sampling every 2 s instead of 1 s/),
    });
    expect(samples[1]!.backoff?.effectiveIntervalMs).toBe(4000);
    expect(samples[2]!.backoff?.effectiveIntervalMs).toBe(4000);
    expect(sampler.effectiveIntervalMs).toBe(4000);

    // 40 ms is within 5% of 2 s and of 1 s: back a step at a time
    state.delayMs = 40;
    const before = samples.length;
    await vi.advanceTimersByTimeAsync(10_000);
    const recovering = samples.slice(before);
    expect(recovering.map((sample) => sample.backoff?.effectiveIntervalMs ?? null).slice(0, 3)).toEqual([2000, null, null]);
    expect(gaps(samples.slice(before - 1)).slice(0, 4)).toEqual([4000, 2000, 1000, 1000]);
    expect(sampler.effectiveIntervalMs).toBe(1000);
    unsubscribe();
  });

  it('backs off no further than 30 s', async () => {
    const { state, sampler } = source();
    const { samples, listener } = collector();
    state.delayMs = 5000;
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(100_000);
    expect(samples.map((sample) => sample.backoff?.effectiveIntervalMs)).toEqual([2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    // a sample longer than the interval delays the next one; it never overlaps it
    expect(gaps(samples).slice(0, 3)).toEqual([5000, 5000, 8000]);
    expect(state.maxRunning).toBe(1);
    unsubscribe();
  });

  it('never runs two samples at once, even when a new subscriber arrives mid-sample', async () => {
    const { state, sampler } = source();
    state.delayMs = 1500;
    const first = collector();
    const unsubscribeFirst = sampler.subscribe(1000, first.listener);
    await vi.advanceTimersByTimeAsync(500);
    const second = collector();
    const unsubscribeSecond = sampler.subscribe(1000, second.listener);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(state.maxRunning).toBe(1);
    expect(second.samples[0]?.at.getTime()).toBe(0);
    unsubscribeFirst();
    unsubscribeSecond();
  });

  it('pushes a failed sample as an error sample with the connection state, then good samples once it recovers', async () => {
    const { state, sampler } = source();
    const { samples, listener } = collector();
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(1000);

    state.failWith = new PoolError('UNREACHABLE', 'Cannot reach 127.0.0.1:3306: connection refused.');
    state.connection = 'lost';
    await vi.advanceTimersByTimeAsync(2000);
    state.failWith = new TypeError('stats row missing');
    await vi.advanceTimersByTimeAsync(1000);
    state.failWith = null;
    state.connection = 'connected';
    await vi.advanceTimersByTimeAsync(2000);

    expect(samples.map((sample) => sample.kind)).toEqual(['ok', 'ok', 'error', 'error', 'error', 'ok', 'ok']);
    const failed = samples[2]!;
    expect(failed).toEqual({
      kind: 'error',
      at: new Date(2000),
      durationMs: 0,
      error: { code: 'UNREACHABLE', message: 'Cannot reach 127.0.0.1:3306: connection refused.' },
      connection: 'lost',
      backoff: null,
    });
    expect(failed).not.toHaveProperty('body');
    expect(samples[4]).toMatchObject({ kind: 'error', error: { code: 'INTERNAL', message: 'stats row missing' } });
    expect(samples[5]).toMatchObject({ kind: 'ok', body: { n: 6 } });
    expect(sampler.history().map((sample) => sample.kind)).toEqual(samples.map((sample) => sample.kind));
    unsubscribe();
  });

  it('stops with its last subscriber and leaves no timer behind', async () => {
    const { state, sampler } = source();
    const a = collector();
    const b = collector();
    const unsubscribeA = sampler.subscribe(1000, a.listener);
    const unsubscribeB = sampler.subscribe(3000, b.listener);
    await vi.advanceTimersByTimeAsync(3000);
    unsubscribeA();
    expect(vi.getTimerCount()).toBe(1);
    unsubscribeB();
    unsubscribeB(); // twice is harmless
    expect(vi.getTimerCount()).toBe(0);
    expect(sampler.active).toBe(false);
    expect(sampler.effectiveIntervalMs).toBeNull();
    const calls = state.calls;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(state.calls).toBe(calls);

    // unsubscribing during a sample: the sample finishes, nothing is scheduled after it
    state.delayMs = 500;
    const unsubscribeC = sampler.subscribe(1000, () => {});
    await vi.advanceTimersByTimeAsync(100);
    expect(sampler.active).toBe(true);
    unsubscribeC();
    await vi.advanceTimersByTimeAsync(1000);
    expect(vi.getTimerCount()).toBe(0);
    expect(sampler.active).toBe(false);
    expect(state.calls).toBe(calls + 1);
  });

  it('keeps listeners independent: one that throws does not stop the others', async () => {
    const errors: unknown[] = [];
    const sampler = new LiveSampler<number, string>({ sample: async () => 7, connectionState: () => 'connected', onListenerError: (error) => errors.push(error) });
    const { samples, listener } = collector();
    const unsubscribeBroken = sampler.subscribe(1000, () => {
      throw new Error('renderer gone');
    });
    const unsubscribe = sampler.subscribe(1000, listener as never);
    await vi.advanceTimersByTimeAsync(2000);
    expect(samples).toHaveLength(3);
    expect(errors).toHaveLength(3);
    expect((errors[0] as Error).message).toBe('renderer gone');
    unsubscribeBroken();
    unsubscribe();
  });

  it('keeps one hour of samples at 1 s', async () => {
    const { sampler } = source();
    const unsubscribe = sampler.subscribe(1000, () => {});
    await vi.advanceTimersByTimeAsync(HISTORY_MS + 100_000);
    const history = sampler.history();
    // samples at 0, 1 s, … 3,700 s: the last hour is (100 s, 3,700 s]
    expect(history).toHaveLength(3600);
    expect(history[0]!.at.getTime()).toBe(101_000);
    expect(history.at(-1)!.at.getTime()).toBe(3_700_000);
    expect(gaps(history).every((gap) => gap === 1000)).toBe(true);
    unsubscribe();
  });

  it('keeps one hour of samples at a longer interval, and forgets them on request', async () => {
    const { sampler } = source();
    const unsubscribe = sampler.subscribe(5000, () => {});
    await vi.advanceTimersByTimeAsync(2 * HISTORY_MS);
    const history = sampler.history();
    expect(history).toHaveLength(720);
    expect(history[0]!.at.getTime()).toBe(HISTORY_MS + 5000);
    unsubscribe();
    // history outlives the subscription (a new subscriber can draw the last hour at once)
    expect(sampler.history()).toHaveLength(720);
    sampler.clearHistory();
    expect(sampler.history()).toEqual([]);
  });
});

describe('LiveSampler under a database that stops answering', () => {
  /** A sample that never settles until `release()`, and an overdue option reading `verdict`. */
  function hanging() {
    const state = { hang: false, release: () => {}, verdict: null as null | { connection: Connection; stalled: boolean }, asked: [] as (number | null)[], calls: 0 };
    const sample = async (): Promise<{ n: number }> => {
      state.calls += 1;
      if (state.hang) await new Promise<void>((resolve) => (state.release = resolve));
      return { n: state.calls };
    };
    const sampler = new LiveSampler<{ n: number }, Connection>({
      sample,
      connectionState: () => 'lost',
      overdue: (inFlightSince) => {
        state.asked.push(inFlightSince);
        return state.verdict && { error: { code: 'TIMEOUT', message: 'not responding' }, ...state.verdict };
      },
    });
    return { state, sampler };
  }

  it('sends an error sample within two intervals of the last good one while a sample hangs, then one each interval: never silence', async () => {
    const { state, sampler } = hanging();
    const { samples, listener } = collector();
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(500);
    expect(samples.map((sample) => sample.kind)).toEqual(['ok']);
    state.hang = true;
    state.verdict = { connection: 'lost', stalled: true };
    await vi.advanceTimersByTimeAsync(6000);
    const errors = samples.slice(1);
    expect(errors.length).toBeGreaterThanOrEqual(5);
    expect(errors.every((sample) => sample.kind === 'error' && sample.connection === 'lost')).toBe(true);
    // the first within two intervals of the good one (at 0), then one per interval
    expect(errors[0]!.at.getTime()).toBeLessThanOrEqual(2000);
    expect(Math.max(...gaps(samples))).toBeLessThanOrEqual(2000);
    // the hung sample (started at 1000) was the one in flight each time
    expect(state.asked.every((since) => since === 1000)).toBe(true);

    // the server answers: the hung sample comes back, stamped when it came back, without slowing sampling
    state.hang = false;
    state.release();
    await vi.advanceTimersByTimeAsync(1);
    const back = samples.at(-1)!;
    expect(back.kind).toBe('ok');
    expect(back.at.getTime()).toBeGreaterThan(errors.at(-1)!.at.getTime());
    expect(back.backoff).toBeNull();
    expect(sampler.effectiveIntervalMs).toBe(1000);
    unsubscribe();
  });

  it('stays quiet while the overdue option has nothing to say (too soon to tell), and asks again until it has', async () => {
    const { state, sampler } = hanging();
    const { samples, listener } = collector();
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(500);
    state.hang = true;
    await vi.advanceTimersByTimeAsync(2500);
    expect(samples.map((sample) => sample.kind)).toEqual(['ok']);
    const asked = state.asked.length;
    expect(asked).toBeGreaterThan(1);
    // once it can tell, the error sample follows within the recheck delay
    state.verdict = { connection: 'lost', stalled: true };
    await vi.advanceTimersByTimeAsync(100);
    expect(samples.map((sample) => sample.kind)).toEqual(['ok', 'error']);
    state.hang = false;
    state.release();
    unsubscribe();
    await vi.advanceTimersByTimeAsync(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not back off for failed samples: good samples resume at the requested interval as soon as the database is back', async () => {
    const { state, sampler } = source();
    const { samples, listener } = collector();
    state.failWith = new PoolError('UNREACHABLE', 'refused');
    state.delayMs = 900; // a failing read that spends most of the interval retrying
    const unsubscribe = sampler.subscribe(1000, listener);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(samples.every((sample) => sample.kind === 'error' && sample.backoff === null)).toBe(true);
    expect(sampler.effectiveIntervalMs).toBe(1000);
    state.failWith = null;
    state.delayMs = 0;
    const before = samples.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(samples.slice(before).some((sample) => sample.kind === 'ok')).toBe(true);
    unsubscribe();
  });
});
