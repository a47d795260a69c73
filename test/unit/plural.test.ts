import { describe, expect, it } from 'vitest';
import { plural } from '../../src/shared/plural.js';

describe('plural', () => {
  it('agrees the noun with the count, with thousands separated', () => {
    expect(plural(1, 'processing entry', 'processing entries')).toBe('1 processing entry');
    expect(plural(0, 'entry', 'entries')).toBe('0 entries');
    expect(plural(2, 'row')).toBe('2 rows');
    expect(plural(1_230, 'index', 'indexes')).toBe('1,230 indexes');
  });
});
