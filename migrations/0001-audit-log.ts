import { createTableMigration } from '../src/core/schema/migration-kit.js';

/** Who did what to the pool, when, to how many rows and why. */
export default createTableMigration('0001-audit-log', 'Audit table POOL_AUDIT_LOG', 'POOL_AUDIT_LOG', `
  AUDIT_ID BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  AUDIT_TIME DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  ACTOR VARCHAR(255) NOT NULL,
  ACTION VARCHAR(64) NOT NULL,
  BOOKING_ID INT NULL,
  PARAMETERS JSON NULL,
  AFFECTED_ROWS INT NOT NULL DEFAULT 0,
  OUTCOME VARCHAR(16) NOT NULL,
  REASON VARCHAR(1000) NULL,
  CONSOLE_VERSION VARCHAR(32) NOT NULL,
  KEY idx_audit_time (AUDIT_TIME),
  KEY idx_audit_action_time (ACTION, AUDIT_TIME),
  KEY idx_audit_booking (BOOKING_ID, AUDIT_TIME)
`);
