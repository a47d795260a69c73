import type { Transaction } from 'sequelize';
import { whenCommitted } from '../../src/core/db/when-committed.js';
import type { AuditCounter } from '../../src/core/audit/audit-log.js';

/** An AuditCounter without an audit row: counts what committed, as the journal's own counter does. */
export function committedCounter(): AuditCounter & { affectedRows: number } {
  const counter = {
    affectedRows: 0,
    async add(n: number, transaction: Transaction) {
      whenCommitted(transaction, () => {
        counter.affectedRows += n;
      });
    },
  };
  return counter;
}
