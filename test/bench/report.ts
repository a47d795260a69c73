import os from 'node:os';
import type { Distribution } from './measure.js';

/** A Markdown table, so the output can be pasted into docs/BENCHMARKS.md as it is. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [line(cells[0] ?? []), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

export const ms = (value: number): string => (Number.isNaN(value) ? '–' : value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));
export const int = (value: number): string => Math.round(value).toLocaleString('en');
export const ratio = (reference: number, ours: number): string => (ours > 0 ? `${(reference / ours).toFixed(reference / ours < 10 ? 1 : 0)}×` : '–');
export const pn = (d: Distribution): string => `${ms(d.p50)} / ${ms(d.p95)}`;
export const verdict = (pass: boolean): string => (pass ? 'PASS' : 'MISS');

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  server: string;
  bufferPoolMb: number;
  loadStart: string;
}

export function machineInfo(server: string, bufferPoolMb: number): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    server,
    bufferPoolMb,
    loadStart: loadAverage(),
  };
}

export const loadAverage = (): string => os.loadavg().map((value) => value.toFixed(2)).join(' ');
