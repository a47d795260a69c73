/*
 * How the console writes numbers, sizes, durations and times for a person: the one module, for
 * every page of the renderer (and the CLI). Counts in words ("3 entries") are plural() in
 * ./plural.ts.
 */

const integer = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** 1234 → "1,234"; null (not counted) → "unknown". */
export function formatCount(value: number | null): string {
  return value === null ? 'unknown' : integer.format(value);
}

/** Rates and latencies: one decimal below 10, whole numbers above. */
export function formatRate(value: number): string {
  return Math.abs(value) < 10 ? oneDecimal.format(value) : integer.format(value);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Binary units, as the database and the contract's limits count: 1,536 → "1.5 KiB", 3 MiB → "3.0 MiB", 65 MiB → "65 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** A wait or a timeout in milliseconds, as the messages name it: 5000 → "5 s", 1500 → "1.5 s". */
export function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** "45 s", "7 m 5 s", "42 m", "3 h 12 m", "2 d 4 h": two units at most. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes} m` : `${minutes} m ${seconds % 60} s`;
  if (minutes < 60) return `${minutes} m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Dates arrive as Date objects (IPC, the socket's revived tags); a string is tolerated, not expected. */
export function asDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export interface UtcOptions {
  /** Default true: to the second; false: to the minute. */
  seconds?: boolean;
  /** Default true; false drops the year (a table whose title has it). */
  year?: boolean;
  /** Default true: ends in " UTC"; false where the column's heading says UTC already. */
  zone?: boolean;
}

/**
 * A database time, as the console writes it everywhere: UTC (the database's clock), "2025-03-01
 * 14:05:09 UTC"; an em dash for none.
 */
export function formatUtc(value: Date | string | null | undefined, { seconds = true, year = true, zone = true }: UtcOptions = {}): string {
  const date = asDate(value);
  if (!date) return '—';
  const text = date.toISOString().slice(year ? 0 : 5, seconds ? 19 : 16).replace('T', ' ');
  return zone ? `${text} UTC` : text;
}

/** How long ago `since` was, by the workstation's clock (fine for an age; the pool judges leases by the database's). */
export function ageSince(since: Date | string | null | undefined, now: number = Date.now()): string | null {
  const date = asDate(since);
  return date ? formatDuration((now - date.getTime()) / 1000) : null;
}

const pad = (value: number) => String(value).padStart(2, '0');

/** Wall-clock time on the workstation, for chart axes and "as of" notes: "14:25:03". */
export function formatClock(ms: number, withSeconds = true): string {
  const date = new Date(ms);
  const hm = `${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return withSeconds ? `${hm}:${pad(date.getSeconds())}` : hm;
}

/** For file names, on the workstation's clock: 20240131-142503. */
export function fileStamp(ms: number): string {
  const date = new Date(ms);
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** A text on one line, cut to `length` characters with an ellipsis. */
export function truncate(text: string | null, length: number): string {
  if (!text) return '';
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
