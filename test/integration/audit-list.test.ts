import { describe, expect, it } from 'vitest';
import { poolDatabase } from '../helpers/pool-database.js';

const t = poolDatabase();

async function audited(...actions: string[]): Promise<void> {
  for (const action of actions) {
    await t.admin.query(
      `INSERT INTO POOL_AUDIT_LOG (ACTOR, ACTION, PARAMETERS, AFFECTED_ROWS, OUTCOME, CONSOLE_VERSION) VALUES ('audit-list-test', ?, '{}', 0, 'ok', 'test')`,
      [action],
    );
  }
}

const actionsFound = async (action: string) => (await t.pool.audit.list({ action, actor: 'audit-list-test' })).map((row) => row.action);

describe('AuditLog.list: the action filter', () => {
  it('matches any action containing the text, newest first', async () => {
    await audited('maintenance.cleanup', 'pool.reset-stuck', 'entry.retry', 'maintenance.cleanup');
    expect(await actionsFound('cleanup')).toEqual(['maintenance.cleanup', 'maintenance.cleanup']);
    expect(await actionsFound('maintenance.cleanup')).toEqual(['maintenance.cleanup', 'maintenance.cleanup']);
    expect(await actionsFound('RESET')).toEqual(['pool.reset-stuck']);
    expect(await actionsFound('no-such-action')).toEqual([]);
  });

  it('takes %, _ and ! in the text literally, not as wildcards', async () => {
    await audited('odd.100%_done', 'odd.100xydone', 'odd.wow!');
    expect(await actionsFound('100%_')).toEqual(['odd.100%_done']);
    expect(await actionsFound('%')).toEqual(['odd.100%_done']);
    expect(await actionsFound('_')).toEqual(['odd.100%_done']);
    expect(await actionsFound('wow!')).toEqual(['odd.wow!']);
  });
});
