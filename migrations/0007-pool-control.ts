import { createTableMigration } from '../src/core/schema/migration-kit.js';

/*
 * What claiming is paused for: one row for the whole pool (SCOPE 'ALL') and one per mode. A claim
 * share-locks the rows of its scopes in its own transaction and a pause writes its row, so once a
 * pause commits no claim of what it pauses commits (src/core/control). Since when, by whom, why,
 * and an optional auto-resume time (RESUME_AT, compared with the database's clock). The scopes are
 * written out here, as they were when this migration was made: a migration must not change with
 * the code after it.
 */
const SCOPES = ['ALL', 'BALANCE', 'URGENT', 'NORMAL', 'CUSTOM'];

export default createTableMigration(
  '0007-pool-control',
  'Pause control POOL_CONTROL (whole pool or one mode: by whom, why, since, auto-resume time)',
  'POOL_CONTROL',
  `
  SCOPE VARCHAR(16) NOT NULL PRIMARY KEY,
  PAUSED TINYINT(1) NOT NULL DEFAULT 0,
  PAUSED_BY VARCHAR(255) NULL,
  PAUSE_REASON VARCHAR(1000) NULL,
  PAUSED_AT DATETIME(3) NULL,
  RESUME_AT DATETIME(3) NULL
`,
  {
    seed: {
      summary: `seed POOL_CONTROL: ${SCOPES.join(', ')} not paused (rows already there are kept)`,
      sql: `INSERT INTO POOL_CONTROL (SCOPE, PAUSED) VALUES ${SCOPES.map((scope) => `('${scope}', 0)`).join(', ')} ON DUPLICATE KEY UPDATE SCOPE = SCOPE`,
    },
    // The history of pauses is in the audit log; these rows are only the switch.
    dropWithRows: { because: 'the pause switch, no history (pauses and resumes are in the audit log): claiming runs unpaused, as before this migration' },
  },
);
