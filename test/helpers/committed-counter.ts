import type { Transaction } from 'sequelize';
import type { AuditCounter } from '../../src/core/audit/audit-log.js';

/** An AuditCounter without an audit row: counts what committed, as the journal's own counter does. */
export function committedCounter(): AuditCounter & { affectedRows: number } {
  const counter = {
    affectedRows: 0,
    async add(n: number, transaction: Transaction) {
      transaction.afterCommit(() => {
        counter.affectedRows += n;
      });
    },
  };
  return counter;
}
