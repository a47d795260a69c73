import { describe, expect, it } from 'vitest';
import { alertEventLine, alertGroupSummary } from '../../src/shared/alert-text.js';

describe('alert wording', () => {
  it('sums a group up by state, agreeing in number', () => {
    expect(alertGroupSummary([{ state: 'firing' }, { state: 'firing' }, { state: 'resolved' }])).toBe('2 alerts firing, 1 resolved');
    expect(alertGroupSummary([{ state: 'firing' }])).toBe('1 alert firing');
    expect(alertGroupSummary([{ state: 'resolved' }, { state: 'resolved' }])).toBe('2 alerts resolved');
  });

  it('writes one event with its state and the rule title', () => {
    expect(alertEventLine({ kind: 'no-claims', state: 'resolved', message: '3 claims in the last 15 min' })).toBe('RESOLVED No claims while work is eligible: 3 claims in the last 15 min');
  });
});
