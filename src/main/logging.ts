import type { NodeLogger } from 'electron-log';
import { redactionHook } from './log-redaction';
import { RecentLogLines } from './recent-log-lines';
import { knownSecrets } from './secret-registry';

/** A log file grows to this size, then becomes `<name>.old.log` (the previous file is kept, one). */
export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024;

export interface LoggingOptions {
  /** The log file; electron-log's default (<userData>/logs/main.log) when not given. */
  file?: string;
  maxBytes?: number;
  /** Lines kept in memory for `app.logs`. */
  recentCapacity?: number;
}

/**
 * Sets up an electron-log logger: rotated file, a redaction hook in front of every transport, and
 * an in-memory ring of recent lines. The caller passes the logger (electron-log/main in the app,
 * after `log.initialize()` so renderer logs arrive here too); this module never loads electron,
 * so it runs in plain Node tests with electron-log/node.
 */
export function configureLogging(log: NodeLogger, options: LoggingOptions = {}): { recent: RecentLogLines } {
  const recent = new RecentLogLines(options.recentCapacity);
  // First in line: every transport, the file included, sees only redacted data.
  log.hooks.unshift(redactionHook(knownSecrets));
  log.transports['recent'] = recent.transport;

  const file = log.transports.file;
  file.maxSize = options.maxBytes ?? LOG_FILE_MAX_BYTES;
  file.level = 'info';
  if (options.file) {
    const path = options.file;
    file.resolvePathFn = () => path;
  }
  return { recent };
}
