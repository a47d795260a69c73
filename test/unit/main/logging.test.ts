import electronLog from 'electron-log/node';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redactLogPiece } from '../../../src/main/log-redaction.js';
import { configureLogging } from '../../../src/main/logging.js';
import { forgetSecret, knownSecrets as knownFromRegistry, rememberSecret, rememberSecretsIn } from '../../../src/main/secret-registry.js';

/**
 * The real electron-log (its Node flavour: the same Logger, hooks and file transport as
 * electron-log/main, without the Electron wiring) set up by configureLogging, writing a real file.
 */
let dir: string;
let logIds = 0;

function logger(options: { maxBytes?: number } = {}) {
  const log = electronLog.create({ logId: `logging-test-${(logIds += 1)}` });
  log.transports.console.level = false;
  const file = join(dir, 'main.log');
  const { recent } = configureLogging(log, { file, ...options });
  return { log, recent, file };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-console-log-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('logging', () => {
  it('writes no password, credentialed URL or token to the log file', async () => {
    const remembered = 'Zebra-Orchid-42';
    rememberSecret(remembered);
    try {
      const { log, file } = logger();
      log.info('connecting to mysql://u:secret@h/db');
      log.warn('login with password=hunter2 refused');
      log.error(new Error(`Access denied for user 'ops' (tried ${remembered})`));
      log.info('profile', { user: 'ops', password: 'hunter2', nested: { url: 'mariadb://root:s3cr3t@db:3306/booking', token: 'abc123xyz' } });
      log.info('remembered secret alone:', remembered);

      const text = await readFile(file, 'utf8');
      for (const leak of ['secret@', 'hunter2', remembered, 's3cr3t', 'abc123xyz']) expect(text, leak).not.toContain(leak);
      expect(text).toContain('mysql://u:***@h/db');
      expect(text).toContain('password=***');
      expect(text).toContain('Access denied for user');
      expect(text).toContain('mariadb://root:***@db:3306/booking');
      expect(text.trim().split('\n').length).toBeGreaterThanOrEqual(5);
    } finally {
      forgetSecret(remembered);
    }
  });

  it('redacts lines from the renderer too (they arrive as messages processed in main)', async () => {
    const { log, file } = logger();
    log.processMessage({ data: ['renderer says token=tok-998877'], level: 'warn', date: new Date(), variables: { processType: 'renderer' } });
    const text = await readFile(file, 'utf8');
    expect(text).toContain('renderer says token=***');
    expect(text).not.toContain('tok-998877');
  });

  it('keeps recent lines in memory, redacted, newest last, for app.logs', () => {
    const { log, recent } = logger();
    for (let i = 1; i <= 5; i += 1) log.info(`line ${i} password=pw${i}`);
    log.debug('too chatty for the ring');
    const lines = recent.recent(3);
    expect(lines.map((line) => line.message)).toEqual(['line 3 password=***', 'line 4 password=***', 'line 5 password=***']);
    expect(lines.every((line) => line.level === 'info' && line.time instanceof Date)).toBe(true);
    expect(recent.recent(0)).toEqual([]);
    expect(recent.recent(1000)).toHaveLength(5);
  });

  it('rotates the file at its size limit and keeps the previous one', async () => {
    const { log } = logger({ maxBytes: 2_000 });
    for (let i = 0; i < 60; i += 1) log.info(`filler line ${i} ${'x'.repeat(40)}`);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual(['main.log', 'main.old.log']);
    const current = await readFile(join(dir, 'main.log'), 'utf8');
    expect(current.length).toBeLessThan(2_000 + 200);
    expect(current).toContain('filler line 59');
  });

  it('remembers the passwords a call carries', () => {
    rememberSecretsIn({ profile: { name: 'x' }, password: 'Typed-In-Pass1' });
    rememberSecretsIn({ draft: { host: 'h' }, password: 'Draft-Pass-22' });
    try {
      expect(redactLogPiece('auth failed for Typed-In-Pass1 and Draft-Pass-22', knownFromRegistry())).toBe('auth failed for *** and ***');
    } finally {
      forgetSecret('Typed-In-Pass1');
      forgetSecret('Draft-Pass-22');
    }
    expect(redactLogPiece('auth failed for Typed-In-Pass1', knownFromRegistry())).toBe('auth failed for Typed-In-Pass1');
  });

  it('leaves numbers and booleans as they are', () => {
    expect(redactLogPiece(42, [])).toBe(42);
    expect(redactLogPiece(false, [])).toBe(false);
    expect(redactLogPiece(null, [])).toBe(null);
  });
});
