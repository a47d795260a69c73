import { describe, expect, it } from 'vitest';
import { LatencyRecorder, percentile } from '../../src/core/db/latency.js';

const summaryOf = (recorder: LatencyRecorder, name: string, lastN?: number) => {
  const found = recorder.summary(lastN).find((summary) => summary.name === name);
  if (!found) throw new Error(`no summary for ${name}`);
  return found;
};

describe('percentile', () => {
  it('takes the nearest rank of an ascending array', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.95)).toBe(95);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.51)).toBe(3);
  });

  it('clamps to the ends and is 0 for no samples', () => {
    expect(percentile([], 0.5)).toBe(0);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([7, 9], 0)).toBe(7);
  });
});

describe('LatencyRecorder', () => {
  it('summarises each query name on its own', () => {
    const recorder = new LatencyRecorder();
    for (const ms of [5, 1, 4, 2, 3]) recorder.record('a', ms);
    for (let ms = 1; ms <= 100; ms += 1) recorder.record('b', 101 - ms);

    expect(recorder.summary().map((summary) => summary.name)).toEqual(['a', 'b']);
    expect(summaryOf(recorder, 'a')).toEqual({ name: 'a', count: 5, p50: 3, p95: 5, p99: 5, last: [5, 1, 4, 2, 3] });
    const b = summaryOf(recorder, 'b');
    expect([b.count, b.p50, b.p95, b.p99]).toEqual([100, 50, 95, 99]);
  });

  it('keeps only `capacity` samples, but counts them all', () => {
    const recorder = new LatencyRecorder(5);
    for (let ms = 1; ms <= 8; ms += 1) recorder.record('q', ms * 10);
    const summary = summaryOf(recorder, 'q');
    expect(summary.count).toBe(8);
    expect(summary.last).toEqual([40, 50, 60, 70, 80]);
    // percentiles are over the retained window only: the 10, 20 and 30 are gone
    expect(summary.p50).toBe(60);
    expect(summary.p99).toBe(80);
  });

  it('returns `last` oldest first after wrapping around, however often', () => {
    const recorder = new LatencyRecorder(4);
    for (let ms = 1; ms <= 4; ms += 1) recorder.record('q', ms);
    expect(summaryOf(recorder, 'q').last).toEqual([1, 2, 3, 4]);
    for (let ms = 5; ms <= 11; ms += 1) recorder.record('q', ms);
    expect(summaryOf(recorder, 'q').last).toEqual([8, 9, 10, 11]);
    expect(summaryOf(recorder, 'q', 2).last).toEqual([10, 11]);
  });

  it('limits `last` to the most recent lastN before the ring is full', () => {
    const recorder = new LatencyRecorder(10);
    for (const ms of [3, 1, 2]) recorder.record('q', ms);
    expect(summaryOf(recorder, 'q', 2).last).toEqual([1, 2]);
    expect(summaryOf(recorder, 'q').last).toEqual([3, 1, 2]);
  });

  it('forgets everything on reset', () => {
    const recorder = new LatencyRecorder();
    recorder.record('q', 1);
    recorder.reset();
    expect(recorder.summary()).toEqual([]);
  });
});
