import { describe, expect, it } from 'vitest';
import { matchOf, parseUtcDeadline } from '../../src/renderer/pages/entries/bulk-text';
import { bulkApplyInputSchema, bulkPreviewInputSchema } from '../../src/shared/results/bulk';

describe('bulk action inputs', () => {
  it('reads a typed deadline as UTC, and nothing else', () => {
    expect(parseUtcDeadline('2026-12-24T09:00')).toEqual(new Date('2026-12-24T09:00:00Z'));
    expect(parseUtcDeadline(' 2026-12-24 09:00:30Z ')).toEqual(new Date('2026-12-24T09:00:30Z'));
    for (const text of ['', '2026-12-24', '24/12/2026 09:00', '2026-12-24T09:00+02:00', '2026-13-45T09:00']) expect(parseUtcDeadline(text), text).toBeNull();
  });

  it("takes only the match fields of the page's filter state", () => {
    expect(matchOf({ status: 'failed', meetingType: 'VIP', sort: 'deadline', limit: 200, mode: undefined })).toEqual({ status: 'failed', meetingType: 'VIP' });
  });

  it('defaults the cap and the lease, and ties the deadline to set-deadline', () => {
    expect(bulkPreviewInputSchema.parse({ action: 'retry', match: {} })).toEqual({ action: 'retry', match: {}, cap: 5000, leaseSeconds: 3600 });
    expect(bulkPreviewInputSchema.safeParse({ action: 'set-deadline', match: {} }).success).toBe(false);
    expect(bulkPreviewInputSchema.safeParse({ action: 'remove', match: {}, deadline: '2030-01-01T00:00:00Z' }).success).toBe(false);
    expect(bulkApplyInputSchema.safeParse({ action: 'retry', match: {}, reason: '  ' }).success).toBe(false);
    expect(bulkApplyInputSchema.safeParse({ action: 'retry', match: {}, reason: 'INC-1' }).success).toBe(true);
  });
});
