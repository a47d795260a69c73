import { describe, expect, it } from 'vitest';
import { AlertNoticeTracker, groupNotice } from '../../src/renderer/pages/alerts/alert-notices.js';
import type { AlertEvent, AlertKind, AlertState } from '../../src/shared/results/alerts.js';

/* Which alert events become notifications: never twice, never history, one per rule, grouped. */

const OPENED = Date.parse('2026-12-03T10:00:00Z');
const event = (id: number, kind: AlertKind, state: AlertState, minutesAfterOpen: number, message = `${kind} ${state} #${id}`): AlertEvent => ({
  id, kind, state, at: new Date(OPENED + minutesAfterOpen * 60_000), value: id, message,
});

describe('alert notifications', () => {
  it('tells nothing that happened before the page opened, even a rule still firing', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    expect(tracker.take([event(2, 'stuck-leases', 'firing', -5), event(1, 'failure-rate', 'firing', -50)])).toBeNull();
    expect(tracker.take([event(2, 'stuck-leases', 'firing', -5), event(1, 'failure-rate', 'firing', -50)])).toBeNull();
  });

  it('tells a change once: the same events read again (a poll, a refetch) are not news', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    expect(tracker.take([event(1, 'failure-rate', 'firing', -50)])).toBeNull();
    const events = [event(2, 'stuck-leases', 'firing', 3, '14 leases expired more than 60 min ago'), event(1, 'failure-rate', 'firing', -50)];
    expect(tracker.take(events)).toEqual({ title: 'Alert firing: Stuck leases', body: '14 leases expired more than 60 min ago' });
    expect(tracker.take(events)).toBeNull();
    expect(tracker.take([event(3, 'stuck-leases', 'resolved', 9, 'back under 10'), ...events])).toEqual({ title: 'Alert resolved: Stuck leases', body: 'back under 10' });
  });

  it('tells what happened after the page opened even in the first answer', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    expect(tracker.take([event(7, 'no-claims', 'firing', 1, 'no claim for 15 min')])).toEqual({ title: 'Alert firing: No claims while work is eligible', body: 'no claim for 15 min' });
  });

  it('after an empty first answer, every new event is news', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    expect(tracker.take([])).toBeNull();
    expect(tracker.take([event(1, 'recorder-gap', 'firing', 2, 'no sample for 6 min')])?.title).toBe('Alert firing: Recorder gap');
  });

  it('groups several rules changing at once into one notification, firing first, one line per rule', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    tracker.take([]);
    const notice = tracker.take([
      event(12, 'paused-too-long', 'firing', 4, 'paused for 61 min'),
      event(11, 'stuck-leases', 'resolved', 3, '3 expired leases'),
      event(10, 'failure-rate', 'firing', 2, '7.5 failures per minute'),
    ]);
    expect(notice).toEqual({
      title: '3 alerts: 2 firing, 1 resolved',
      body: ['FIRING: Paused too long — paused for 61 min', 'FIRING: Failures — 7.5 failures per minute', 'resolved: Stuck leases — 3 expired leases'].join('\n'),
    });
  });

  it('one rule that fired and resolved between two looks is told once, as it is now', () => {
    const tracker = new AlertNoticeTracker(OPENED);
    tracker.take([]);
    const notice = tracker.take([event(5, 'failure-rate', 'resolved', 3, 'back to 1 per minute'), event(4, 'failure-rate', 'firing', 2, '9 per minute')]);
    expect(notice).toEqual({ title: 'Alert resolved: Failures', body: 'back to 1 per minute' });
  });

  it('groupNotice of nothing is nothing', () => {
    expect(groupNotice([])).toBeNull();
  });
});
