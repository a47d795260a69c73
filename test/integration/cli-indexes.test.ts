import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { indexFindings } from '../../src/core/health/index-findings.js';
import type { IndexHealth } from '../../src/shared/results/health.js';
import { poolDatabase } from '../helpers/pool-database.js';

// The host ORM's own indexes: BOOKING_PLAN_POOL_STATUS_idx is a leading prefix of the console's idx_pool_claim.
const t = poolDatabase('host-orm');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  const { host, port, user, password, database } = t.profile;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/pool-console.mjs', ...args, '--url', `mysql://${encodeURIComponent(user)}@${host}:${port}/${database}`], {
      env: { ...process.env, POOL_DATABASE_URL: '', POOL_DATABASE_PASSWORD: password },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pool-console indexes on a schema with adopted host indexes', { timeout: 90_000 }, () => {
  it('prints a redundant host index as a note and exits 0; a redundant index of its own stays a finding', async () => {
    const [text, json] = await Promise.all([cli(['indexes']), cli(['indexes', '--json'])]);
    const health = JSON.parse(json.stdout) as { missing: string[]; duplicates: unknown[]; redundant: { index: string }[]; queries: { name: string; verdict: string }[] };
    // The premise: nothing is wrong but the host's redundant index.
    expect(health.missing).toEqual([]);
    expect(health.duplicates).toEqual([]);
    expect(health.queries.filter((query) => query.verdict === 'bad')).toEqual([]);
    expect(health.redundant.map((item) => item.index)).toContain('BOOKING_PLAN_POOL_STATUS_idx');

    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(json.code).toBe(0);
    expect(text.stdout).toMatch(/note: BOOKING_PLAN_POOL_STATUS_idx was not created by the console and is a leading prefix of .*idx_pool_claim/);
    expect(text.stdout).not.toMatch(/REDUNDANT/);

    // A redundant index of the console's own is still a finding.
    const ours = { ...health, redundant: [...health.redundant, { index: 'idx_pool_ready', prefixOf: ['idx_pool_claim'] }] };
    expect(indexFindings(health as unknown as IndexHealth)).toBe(0);
    expect(indexFindings(ours as unknown as IndexHealth)).toBe(1);
  });
});
