import type { Database } from './database.js';

/**
 * Whether the server is a node of a Galera cluster (MariaDB with wsrep_on). Asked once per Database:
 * a Database talks to one server, and whether that server replicates with Galera does not change
 * under a running console. MySQL has no wsrep_on: the answer there is an empty list, so false.
 */
const answers = new WeakMap<Database, Promise<boolean>>();

export const WSREP_ON_SQL = "SHOW GLOBAL VARIABLES LIKE 'wsrep_on'";

export function isGalera(db: Database): Promise<boolean> {
  let answer = answers.get(db);
  if (!answer) {
    answer = db.select<{ Value: string }>('galera.detect', WSREP_ON_SQL).then((rows) => rows[0]?.Value === 'ON');
    // a failed read is asked again next time, not remembered as "no"
    answer.catch(() => answers.delete(db));
    answers.set(db, answer);
  }
  return answer;
}
