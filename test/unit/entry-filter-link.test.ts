import { describe, expect, it } from 'vitest';
import { checkFilters, filtersFromLink, filtersToLink, type EntryFilters } from '../../src/renderer/pages/entries/filters.js';

/* The Entries deep link: filters → fragment → the same filters, checked by the contract's schema. */

describe('Entries deep link', () => {
  it('round-trips every field, times in UTC, defaults left out', () => {
    const filters: EntryFilters = {
      status: 'failed', mode: 'URGENT', overdue: true, bookingIds: [7, 9], ownerEmpCode: 'E 1&2', ownerGroup: 'iot', room: 'Room #4',
      meetingType: 'VIP', claimedBy: 'worker-1', meetingFrom: '2026-05-01T08:00:00Z', meetingTo: '2026-05-02T00:00:00Z',
      deadlineFrom: '2026-04-30T00:00:00Z', attemptsMin: 0, attemptsMax: 3, lastErrorContains: '50% a_b', sort: 'deadline', order: 'desc',
    };
    const link = filtersToLink(filters);
    expect(link.startsWith('#entries?status=failed&mode=URGENT&overdue=true&bookingIds=7%2C9&ownerEmpCode=E+1%262')).toBe(true);
    expect(filtersFromLink(link)).toEqual({ filters });
    expect(filtersToLink({})).toBe('#entries');
    expect(filtersFromLink('#entries')).toEqual({ filters: {} });
    // the default order is not spelled out
    expect(filtersFromLink('#entries?sort=entryTime&order=asc')).toEqual({ filters: {} });
  });

  it('says why a broken link cannot be used, and ignores fragments that are not Entries links', () => {
    expect(filtersFromLink('#overview')).toBeNull();
    expect(filtersFromLink('')).toBeNull();
    expect(filtersFromLink('#entries?owner=E1')?.error).toBe("The link names an unknown filter 'owner'.");
    expect(filtersFromLink('#entries?after=x')?.error).toBe("The link names an unknown filter 'after'.");
    expect(filtersFromLink('#entries?attemptsMin=-1')?.error).toMatch(/^This link's filter cannot be used: Attempts at least: /);
    expect(filtersFromLink('#entries?meetingFrom=2026-05-02&meetingTo=2026-05-01')?.error).toBe(
      "This link's filter cannot be used: Meeting before: the meeting window ends before it starts.",
    );
    expect(filtersFromLink('#entries?meetingFrom=soon')?.error).toMatch(/^This link's filter cannot be used: Meeting from: /);
    expect(filtersFromLink('#entries?overdue=yes')?.error).toMatch(/^This link's filter cannot be used: Overdue: /);
    expect(filtersFromLink('#entries?sort=owner')?.error).toMatch(/^This link's filter cannot be used: Sort: /);
  });

  it('checks typed filters like the back does: blanks dropped, dates normalised to UTC', () => {
    expect(checkFilters({ ownerEmpCode: '', room: undefined, deadlineTo: '2026-05-01T08:30Z' })).toEqual({ filters: { deadlineTo: '2026-05-01T08:30:00Z' } });
    expect(checkFilters({ attemptsMin: 3, attemptsMax: 1 }).error).toBe('Attempts at most: attemptsMax is below attemptsMin.');
  });
});
