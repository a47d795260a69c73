import type { Transaction } from 'sequelize';

/**
 * Work to do once a transaction has committed, run by Database.transaction after COMMIT succeeded.
 * Not Sequelize's afterCommit: it runs its hooks in a `finally`, so also when COMMIT itself fails,
 * which on Galera is the normal way a certification conflict shows (error 1213 at COMMIT). A count
 * kept there would count a batch that was rolled back and then count its retry again.
 */
const pending = new WeakMap<Transaction, (() => void)[]>();

export function whenCommitted(transaction: Transaction, work: () => void): void {
  const list = pending.get(transaction);
  if (list) list.push(work);
  else pending.set(transaction, [work]);
}

/** Runs and forgets what waited for `transaction`; Database.transaction calls it after a successful COMMIT. */
export function committed(transaction: Transaction): void {
  const list = pending.get(transaction) ?? [];
  pending.delete(transaction);
  for (const work of list) work();
}
