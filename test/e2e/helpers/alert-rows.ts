import type { Connection, ResultSetHeader } from 'mysql2/promise';
import type { AlertKind, AlertState } from '../../../src/shared/results/alerts.js';

/**
 * Writes one alert event row straight into POOL_ALERT_EVENTS, as the recorder's leader would, at
 * the database's clock (UTC, as every session runs). The only place the end-to-end tests name the
 * table's columns (migration 0009): EVENT_ID (auto), KIND, ALERT_STATE ('firing' | 'resolved'),
 * EVENT_TIME (DATETIME(3), UTC), FIGURE (DOUBLE), MESSAGE. Returns the new row's id.
 */
export async function insertAlertEvent(admin: Connection, event: { kind: AlertKind; state: AlertState; value: number; message: string }): Promise<number> {
  const [result] = await admin.query<ResultSetHeader>('INSERT INTO POOL_ALERT_EVENTS (KIND, ALERT_STATE, EVENT_TIME, FIGURE, MESSAGE) VALUES (?, ?, UTC_TIMESTAMP(3), ?, ?)', [
    event.kind,
    event.state,
    event.value,
    event.message,
  ]);
  return result.insertId;
}
