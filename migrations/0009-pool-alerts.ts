import { createTablesMigration } from '../src/core/schema/migration-kit.js';

/*
 * Alerts (issue 11): the rules every console shares, one row per kind, and the firing / resolved
 * events the recorder's leader writes on a state change (src/core/alerts). The rules rows are also
 * what an evaluator locks before it writes an event, so two evaluators never write the same
 * change twice; EVALUATED_AT is when the leader last evaluated. The events are read
 * by time window (charts), newest per kind (the firing list) and by id (the agent's webhook).
 * The shipped defaults are written out as they were when this migration was made (a migration must
 * not change with the code): deadline-unclaimed >0 entries within 360 min, stuck-leases >10 over a
 * 60 min lease, failure-rate >5/min over 5 min, no-claims ≥1 eligible for 15 min, paused-too-long
 * 60 min, recorder-gap 5 min.
 */
const DEFAULTS: [kind: string, threshold: number, windowMinutes: number][] = [
  ['deadline-unclaimed', 0, 360],
  ['stuck-leases', 10, 60],
  ['failure-rate', 5, 5],
  ['no-claims', 1, 15],
  ['paused-too-long', 0, 60],
  ['recorder-gap', 0, 5],
];

export default createTablesMigration('0009-pool-alerts', 'Alerts: rules POOL_ALERT_RULES (shipped defaults) and their firing/resolved events POOL_ALERT_EVENTS', [
  {
    table: 'POOL_ALERT_RULES',
    body: `
  KIND VARCHAR(32) NOT NULL PRIMARY KEY,
  ENABLED TINYINT(1) NOT NULL DEFAULT 1,
  THRESHOLD DOUBLE NOT NULL,
  WINDOW_MINUTES INT UNSIGNED NOT NULL,
  UPDATED_BY VARCHAR(255) NULL,
  UPDATED_AT DATETIME(3) NULL,
  EVALUATED_AT DATETIME(3) NULL
`,
    options: {
      seed: {
        summary: `seed POOL_ALERT_RULES with the shipped defaults (${DEFAULTS.map(([kind]) => kind).join(', ')}; rows already there are kept)`,
        sql: `INSERT INTO POOL_ALERT_RULES (KIND, ENABLED, THRESHOLD, WINDOW_MINUTES) VALUES ${DEFAULTS.map(([kind, threshold, minutes]) => `('${kind}', 1, ${threshold}, ${minutes})`).join(', ')} ON DUPLICATE KEY UPDATE KIND = KIND`,
      },
      // Edits of the rules are in the audit log (who, why, what); the rows are only the settings.
      dropWithRows: { because: 'alert settings (their edits are in the audit log): nothing is evaluated until the migration runs again, with the shipped defaults' },
    },
  },
  {
    table: 'POOL_ALERT_EVENTS',
    body: `
  EVENT_ID BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  KIND VARCHAR(32) NOT NULL,
  ALERT_STATE VARCHAR(16) NOT NULL,
  EVENT_TIME DATETIME(3) NOT NULL,
  FIGURE DOUBLE NOT NULL,
  MESSAGE VARCHAR(1000) NOT NULL,
  KEY idx_alert_events_time (EVENT_TIME),
  KEY idx_alert_events_kind (KIND, EVENT_ID)
`,
    options: {
      dropWithRows: { because: 'alert state changes derived from the pool history, no operator record: the charts lose their alert markers' },
    },
  },
]);
