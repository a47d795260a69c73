import type { Transaction } from 'sequelize';
import { describe, expect, it } from 'vitest';
import { committed, whenCommitted } from '../../src/core/db/when-committed.js';

// Stand-ins for two transactions: whenCommitted only keys on their identity.
const transaction = () => ({}) as Transaction;

// A COMMIT that fails (Galera certification) runs nothing: test/cluster/galera-claims.test.ts.
describe('whenCommitted()', () => {
  it("runs a transaction's work once, in order, when committed() is called for it, and never for another", () => {
    const first = transaction();
    const second = transaction();
    const ran: string[] = [];
    whenCommitted(first, () => ran.push('a'));
    whenCommitted(first, () => ran.push('b'));
    whenCommitted(second, () => ran.push('other'));
    committed(first);
    expect(ran).toEqual(['a', 'b']);
    committed(first);
    expect(ran).toEqual(['a', 'b']);
  });

});
