import type { LogLine } from '../shared/contract.js';
import { redactSecrets } from '../shared/redact.js';

/** The console's recent log lines, in memory (serve mode has no log file); redacted as they come in. */
export class MemoryLog {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity = 1000) {}

  add(level: string, message: string): void {
    this.lines.push({ time: new Date(), level, message: redactSecrets(message).slice(0, 2000) });
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** The newest `limit` lines, oldest first. */
  recent(limit: number): LogLine[] {
    return limit > 0 ? this.lines.slice(-limit) : [];
  }
}
