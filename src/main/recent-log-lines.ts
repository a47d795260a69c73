import type { LogMessage } from 'electron-log';
import { format } from 'node:util';
import type { LogLine } from '../shared/contract.js';

/** The last `capacity` log lines, for the contract's `app.logs`; oldest dropped first. */
export class RecentLogLines {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity = 1000) {}

  /** An electron-log transport: it runs after the hooks, so it only ever sees redacted data. */
  readonly transport = Object.assign(
    (message: LogMessage) => {
      this.add({ time: message.date, level: message.level, message: format(...message.data) });
    },
    { level: 'info' as const, transforms: [] },
  );

  add(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** Newest last, at most `limit` lines. */
  recent(limit: number): LogLine[] {
    if (limit <= 0) return [];
    return this.lines.slice(-limit).map((line) => ({ ...line }));
  }
}
