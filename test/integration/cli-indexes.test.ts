import { describe, expect, it } from 'vitest';
import { indexFindings } from '../../src/core/health/index-findings.js';
import type { IndexHealth } from '../../src/shared/results/health.js';
import { poolDatabase } from '../helpers/pool-database.js';
import { runCli } from '../helpers/run-cli.js';

// The host ORM's own indexes: BOOKING_PLAN_POOL_STATUS_idx is a leading prefix of the console's idx_pool_claim.
const t = poolDatabase('host-orm');

const cli = (args: string[]) => runCli(t.profile, args);

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
