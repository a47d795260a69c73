import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { classifyError, errorTarget, type ErrorTarget } from '../../src/core/db/classify-error.js';
import { PoolError, type ErrorCode } from '../../src/shared/errors.js';

const PASSWORD = 'S3cret-Pa55!';
const target: ErrorTarget = { host: 'db.example', port: 3307, user: 'ops', database: 'booking', password: PASSWORD };

/** A plain object shaped like a mysql2 error. */
const mysql2 = (errno: number | undefined, code: string | undefined, sqlMessage: string) => ({ errno, code, sqlMessage, message: sqlMessage, sqlState: 'HY000' });
/** The same, wrapped the way Sequelize wraps it. */
const sequelize = (name: string, original: object) => ({ name, message: 'wrapped', original, parent: original });

const cases: [ErrorCode, string, object][] = [
  ['AUTH_FAILED', 'access denied', mysql2(1045, 'ER_ACCESS_DENIED_ERROR', "Access denied for user 'ops'@'10.0.0.9' (using password: YES)")],
  ['AUTH_FAILED', 'auth plugin refusal', mysql2(1698, undefined, "Access denied for user 'ops'@'localhost'")],
  ['NO_DATABASE', 'unknown database', mysql2(1049, 'ER_BAD_DB_ERROR', "Unknown database 'booking'")],
  ['NO_TABLE', 'missing table', mysql2(1146, 'ER_NO_SUCH_TABLE', "Table 'booking.BOOKING_PLAN' doesn't exist")],
  ['NO_PRIVILEGE', 'table access denied', mysql2(1142, 'ER_TABLEACCESS_DENIED_ERROR', "ALTER command denied to user 'ops'@'%' for table 'BOOKING_PLAN'")],
  ['NO_PRIVILEGE', 'missing SUPER/PROCESS', mysql2(1227, 'ER_SPECIFIC_ACCESS_DENIED_ERROR', 'Access denied; you need (at least one of) the PROCESS privilege(s)')],
  ['NO_PRIVILEGE', 'database access denied', mysql2(1044, 'ER_DBACCESS_DENIED_ERROR', "Access denied for user 'ops'@'%' to database 'booking'")],
  ['UNREACHABLE', 'refused connection', { errno: -111, code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:3307' }],
  ['UNREACHABLE', 'unknown host', { errno: -3008, code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND db.example' }],
  ['UNREACHABLE', 'lost connection', { code: 'PROTOCOL_CONNECTION_LOST', message: 'Connection lost: The server closed the connection.' }],
  ['UNREACHABLE', 'server gone away', mysql2(2006, undefined, 'MySQL server has gone away')],
  ['UNREACHABLE', 'server without TLS', { code: 'HANDSHAKE_NO_SSL_SUPPORT', message: 'Server does not support secure connection' }],
  ['UNREACHABLE', 'untrusted certificate', { code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }],
  ['UNREACHABLE', 'killed connection', mysql2(1927, 'ER_CONNECTION_KILLED', 'Connection was killed')],
  ['TIMEOUT', 'lock wait timeout', mysql2(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded; try restarting transaction')],
  ['TIMEOUT', 'statement time limit', mysql2(3024, 'ER_QUERY_TIMEOUT', 'Query execution was interrupted, maximum statement execution time exceeded')],
  ['TIMEOUT', 'MariaDB max_statement_time', mysql2(1969, 'ER_STATEMENT_TIMEOUT', 'Query execution was interrupted (max_statement_time exceeded)')],
  ['CONFLICT', 'deadlock', mysql2(1213, 'ER_LOCK_DEADLOCK', 'Deadlock found when trying to get lock; try restarting transaction')],
  ['CONFLICT', 'duplicate key', mysql2(1062, 'ER_DUP_ENTRY', "Duplicate entry '7' for key 'PRIMARY'")],
  ['INTERNAL', 'syntax error', mysql2(1064, 'ER_PARSE_ERROR', 'You have an error in your SQL syntax')],
];

describe('classifyError', () => {
  describe.each(cases)('%s for a %s', (code, _, fault) => {
    it('from the bare mysql2 error', () => {
      const error = classifyError(fault, target);
      expect(error).toBeInstanceOf(PoolError);
      expect(error.code).toBe(code);
      expect(error.cause).toBe(fault);
    });

    it('from a Sequelize wrapper (original / parent)', () => {
      expect(classifyError(sequelize('SequelizeDatabaseError', fault), target).code).toBe(code);
      expect(classifyError({ name: 'SequelizeConnectionError', message: 'x', parent: fault }, target).code).toBe(code);
    });
  });

  it('keeps the driver errno and code in details, not the password', () => {
    const error = classifyError(sequelize('SequelizeDatabaseError', mysql2(1205, 'ER_LOCK_WAIT_TIMEOUT', 'Lock wait timeout exceeded')), target);
    expect(error.details).toEqual({ errno: 1205, driverCode: 'ER_LOCK_WAIT_TIMEOUT' });
    expect(error.toEnvelope()).toEqual({ code: 'TIMEOUT', message: error.message, details: { errno: 1205, driverCode: 'ER_LOCK_WAIT_TIMEOUT' } });
  });

  it('names what the person can check', () => {
    expect(classifyError(mysql2(1045, 'ER_ACCESS_DENIED_ERROR', 'Access denied'), target).message).toContain("refused user 'ops'");
    expect(classifyError(mysql2(1045, 'ER_ACCESS_DENIED_ERROR', 'Access denied'), target).message).toContain('db.example:3307');
    expect(classifyError(mysql2(1049, 'ER_BAD_DB_ERROR', "Unknown database 'booking'"), target).message).toContain("Database 'booking' does not exist");
    expect(classifyError(mysql2(1146, 'ER_NO_SUCH_TABLE', "Table 'booking.X' doesn't exist"), target).message).toContain("Table 'booking.X' doesn't exist");
    expect(classifyError({ code: 'ECONNREFUSED', message: 'x' }, {}).message).toContain('the database server');
  });

  it('recognises Sequelize connection and timeout errors by name', () => {
    const named = (name: string) => Object.assign(new Error('no driver error here'), { name });
    expect(classifyError(named('SequelizeConnectionRefusedError'), target).code).toBe('UNREACHABLE');
    expect(classifyError(named('SequelizeHostNotFoundError'), target).code).toBe('UNREACHABLE');
    expect(classifyError(named('SequelizeConnectionAcquireTimeoutError'), target).code).toBe('TIMEOUT');
    expect(classifyError(new Error("Can't add new command when connection is in closed state"), target).code).toBe('UNREACHABLE');
  });

  it('turns a ZodError into INVALID_INPUT naming the field', () => {
    const parsed = z.object({ limit: z.number().int().max(500) }).safeParse({ limit: 501 });
    if (parsed.success) throw new Error('expected the schema to refuse');
    const error = classifyError(parsed.error, target);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^Invalid limit: /);
    expect(error.details).toEqual({ issues: [{ path: 'limit', message: expect.any(String) }] });
  });

  it('returns a PoolError as it is', () => {
    const original = new PoolError('CONFLICT', 'already running');
    expect(classifyError(original, target)).toBe(original);
  });

  it('makes anything else INTERNAL', () => {
    expect(classifyError(new Error('boom'), target)).toMatchObject({ code: 'INTERNAL', message: 'Unexpected database error: boom' });
    expect(classifyError('a string', target)).toMatchObject({ code: 'INTERNAL', message: 'Unexpected database error: a string' });
    expect(classifyError(undefined)).toMatchObject({ code: 'INTERNAL' });
  });

  describe('never lets the password through', () => {
    const leaky = [
      mysql2(1045, 'ER_ACCESS_DENIED_ERROR', `Access denied for user 'ops' with password ${PASSWORD}`),
      mysql2(1146, 'ER_NO_SUCH_TABLE', `Table ${PASSWORD} doesn't exist`),
      mysql2(1142, 'ER_TABLEACCESS_DENIED_ERROR', `denied (password=${PASSWORD})`),
      { code: 'ECONNREFUSED', message: `connect to mysql://ops:${PASSWORD}@db.example:3307/booking refused` },
      mysql2(1205, undefined, `lock wait on ${PASSWORD}`),
      mysql2(1213, undefined, `deadlock on ${PASSWORD}`),
      mysql2(1064, 'ER_PARSE_ERROR', `syntax error near '${PASSWORD}'`),
      new Error(`boom ${PASSWORD}`),
    ];
    it.each(leaky.map((fault, index) => [index, fault] as const))('case %i', (_, fault) => {
      for (const error of [classifyError(fault, target), classifyError(sequelize('SequelizeDatabaseError', fault), target)]) {
        expect(error.message).not.toContain(PASSWORD);
        expect(JSON.stringify(error.toEnvelope())).not.toContain(PASSWORD);
      }
    });

    it('even when the target does not name it (a credentialed URL in the text)', () => {
      const error = classifyError({ code: 'ECONNREFUSED', message: 'connect to mysql://ops:hunter2@db.example/booking refused' }, {});
      expect(error.message).toContain('mysql://ops:***@db.example/booking');
      expect(error.message).not.toContain('hunter2');
    });
  });
});

describe('errorTarget', () => {
  it('names the socket in place of the host when there is one', () => {
    const profile = { host: '127.0.0.1', port: 3306, user: 'ops', password: 'pw1', database: 'booking' };
    expect(errorTarget(profile)).toEqual({ host: '127.0.0.1', port: 3306, user: 'ops', password: 'pw1', database: 'booking' });
    expect(errorTarget({ ...profile, socketPath: '/run/mysqld/mysqld.sock' }).host).toBe('/run/mysqld/mysqld.sock');
  });
});
