import { describe, expect, it } from 'vitest';
import { evaluateAlerts } from '../../src/core/alerts/evaluate.js';
import type { AlertOverview, AlertRule } from '../../src/shared/results/alerts.js';
import { insertBookings, poolDatabase, poolDirectly } from '../helpers/pool-database.js';
import { runCli } from '../helpers/run-cli.js';

/* `pool-console alerts` and `alerts set` through the contract, as a runbook runs them. */

const t = poolDatabase();

describe('pool-console alerts', () => {
  it('set changes one rule for every console (audited), the list shows it, and exits 1 once something fires', async () => {
    const set = await runCli(t.profile, ['alerts', 'set', 'stuck-leases', '--threshold', '0', '--window-minutes', '45', '--actor', 'ops@runbook', '--reason', 'CHG-31 page sooner', '--json']);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout) as AlertRule).toMatchObject({ kind: 'stuck-leases', enabled: true, threshold: 0, windowMinutes: 45, updatedBy: 'ops@runbook' });

    const quiet = await runCli(t.profile, ['alerts']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stdout).toMatch(/stuck-leases\s+yes\s+0\s+45 .*ops@runbook/);
    expect(quiet.stdout).toContain('nothing is firing');

    // a stuck lease, and the leader's evaluation (as the recorder runs it)
    const ids = await insertBookings(t.admin, { count: 1 });
    await poolDirectly(t.admin, ids, { status: 'processing', claimedBy: 'dead-worker', claimedSecondsAgo: 7200 });
    await evaluateAlerts(t.db);
    const firing = await runCli(t.profile, ['alerts', '--json']);
    expect(firing.code, firing.stderr).toBe(1);
    const overview = JSON.parse(firing.stdout) as AlertOverview;
    expect(overview.firing).toMatchObject([{ kind: 'stuck-leases', state: 'firing', value: 1 }]);
    expect(overview.evaluatedAt).not.toBeNull();
  });

  it('refuses a bad value naming its flag, before connecting', async () => {
    const bad = await runCli(t.profile, ['alerts', 'set', 'stuck-leases', '--window-minutes', 'soon', '--reason', 'CHG-32']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid --window-minutes');
    const unknown = await runCli(t.profile, ['alerts', 'set', 'disk-full', '--disable', '--reason', 'CHG-32']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Invalid KIND');
  });
});
