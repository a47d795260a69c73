import type mysql2 from 'mysql2';
import type { Sequelize } from 'sequelize';
import { formatSeconds } from './timeouts.js';

/** The driver-level code of a statement cut off by the guard; classifyError maps it to TIMEOUT. */
export const STATEMENT_TIMEOUT_CODE = 'POOL_STATEMENT_TIMEOUT';
/** The code of a connection cut because the console closed while the server did not answer. */
export const FORCED_CLOSE_CODE = 'POOL_FORCED_CLOSE';

/** What the guard needs of a mysql2 connection. */
interface RawConnection {
  stream: { destroy(error?: Error): void; once(event: 'close', listener: () => void): void };
}

/** The options Database passes to sequelize.query, beside Sequelize's own. */
export interface GuardedQueryOptions {
  /** The call's bound, for messages; without one, the default for statements Sequelize issues itself (BEGIN, COMMIT…). */
  timeoutMs?: number;
  /** When the whole call (every retry of it) must be over, Date.now() based. */
  deadlineAt?: number;
  queryName?: string;
}

/**
 * A client-side bound on every statement. Sequelize's mysql dialect calls mysql2 with `{ sql }`
 * only, so mysql2's own per-query `timeout` cannot be reached; and even when it fires, mysql2
 * leaves the connection busy with the unanswered command, so a frozen server would poison the
 * pool. Instead, a timer armed around each query (Sequelize's beforeQuery/afterQuery hooks)
 * destroys the socket of a statement that outlives its bound: the statement fails at once with
 * STATEMENT_TIMEOUT_CODE (not a transient error, so it is not retried), mysql2 marks the
 * connection fatal, and the pool replaces it (its validate() refuses fatal connections).
 */
export class StatementGuard {
  private readonly connections = new Set<RawConnection>();
  private readonly timers = new WeakMap<object, ReturnType<typeof setTimeout>>();

  /** mysql2 as Sequelize should load it: every connection it opens is known, so close() can cut them. */
  dialectModule(base: typeof mysql2): typeof mysql2 {
    const wrapped = Object.create(base) as typeof mysql2;
    wrapped.createConnection = ((config: mysql2.ConnectionOptions) => {
      const connection = base.createConnection(config) as unknown as RawConnection;
      this.connections.add(connection);
      connection.stream.once('close', () => this.connections.delete(connection));
      return connection;
    }) as unknown as typeof mysql2.createConnection;
    return wrapped;
  }

  install(sequelize: Sequelize, defaultMs: number): void {
    sequelize.addHook('beforeQuery', (options, query) => {
      const connection = (query as unknown as { connection?: RawConnection }).connection;
      if (!connection?.stream) return;
      const { timeoutMs = defaultMs, deadlineAt, queryName } = options as GuardedQueryOptions;
      // a retry gets what is left of the call's bound, not a new one
      const remaining = deadlineAt === undefined ? timeoutMs : Math.max(50, deadlineAt - Date.now());
      const timer = setTimeout(() => {
        const what = queryName ? ` to '${queryName}'` : '';
        const error = Object.assign(new Error(`no answer${what} within ${formatSeconds(timeoutMs)}`), {
          code: STATEMENT_TIMEOUT_CODE,
          timeoutMs,
          queryName,
        });
        connection.stream.destroy(error);
      }, remaining);
      this.timers.set(query, timer);
    });
    sequelize.addHook('afterQuery', (_options, query) => {
      clearTimeout(this.timers.get(query));
      this.timers.delete(query);
    });
  }

  /** Cuts every open or opening connection: what is waiting on them fails at once. */
  destroyAll(): void {
    for (const connection of this.connections) {
      connection.stream.destroy(Object.assign(new Error('closed by the console while waiting for the server'), { code: FORCED_CLOSE_CODE }));
    }
    this.connections.clear();
  }
}
