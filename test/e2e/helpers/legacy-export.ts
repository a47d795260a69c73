import fs from 'node:fs/promises';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { SANDBOX_DATABASE } from './serve-console.js';

export interface LegacyExportFixture {
  file: string;
  /** Waiting, unassigned, unpooled bookings with a future meeting: the import adds these. */
  addIds: number[];
  /** A booking already in the pool: kept as it is. */
  pooledId: number;
  /** An id no booking has. */
  missingId: number;
}

interface BookingRow {
  id: number;
  meetingType: string;
  timeStart: string;
  timeEnd: string;
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC, as the sandbox stores it) → ISO 8601 with the zone, as the legacy server wrote dates. */
const iso = (sqlTime: string) => new Date(`${sqlTime.replace(' ', 'T')}Z`).toISOString();
const dayBefore = (sqlTime: string) => new Date(new Date(`${sqlTime.replace(' ', 'T')}Z`).getTime() - 86_400_000).toISOString();

/**
 * A legacy memory-pool export (the `{ entries: [...] }` shape of test/fixtures/legacy/valid-object.json)
 * built from the sandbox's real bookings, read straight from its server: the console's own
 * entries.list shows pooled bookings only. `toAdd` bookings it can add, one already pooled, one missing.
 */
export async function writeLegacyExport(sandboxPort: number, dir: string, toAdd = 5): Promise<LegacyExportFixture> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: sandboxPort, user: 'root', password: '', database: SANDBOX_DATABASE, dateStrings: true });
  try {
    // Meetings two days or more ahead, so none starts while the test runs. The sandbox's feeder
    // inserts bookings of its own, so these stay out of the pool until the import.
    const [addable] = await connection.query(
      `SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart, TIME_END AS timeEnd
         FROM BOOKING_PLAN
        WHERE POOL_STATUS IS NULL AND BOOKING_STATUS = 'waiting' AND INTERPRETER_EMP_CODE IS NULL
          AND TIME_START > UTC_TIMESTAMP() + INTERVAL 2 DAY
        ORDER BY BOOKING_ID LIMIT ?`,
      [toAdd],
    );
    // not yet eligible, so no worker claims and completes it (out of the pool) before the import
    const [pooled] = await connection.query(
      `SELECT BOOKING_ID AS id, MEETING_TYPE AS meetingType, TIME_START AS timeStart, TIME_END AS timeEnd
         FROM BOOKING_PLAN WHERE POOL_STATUS = 'waiting' AND POOL_DEADLINE_TIME > UTC_TIMESTAMP() + INTERVAL 1 DAY
        ORDER BY BOOKING_ID LIMIT 1`,
    );
    const [maximum] = await connection.query('SELECT MAX(BOOKING_ID) AS id FROM BOOKING_PLAN');
    const adds = addable as BookingRow[];
    const already = (pooled as BookingRow[])[0];
    if (adds.length < toAdd || !already) throw new Error(`the sandbox has ${adds.length} bookings to import and ${already ? 1 : 0} pooled; the fixture needs ${toAdd} and 1`);
    const missingId = Number((maximum as { id: number }[])[0]!.id) + 1_000_000;

    const entry = (row: BookingRow) => ({
      bookingId: Number(row.id),
      meetingType: row.meetingType,
      startTime: iso(row.timeStart),
      endTime: iso(row.timeEnd),
      priorityValue: 2,
      urgentThresholdDays: 3,
      generalThresholdDays: 30,
      poolEntryTime: new Date(Date.now() - 3_600_000).toISOString(),
      decisionWindowTime: dayBefore(row.timeStart),
    });
    const missing = { ...entry(adds[0]!), bookingId: missingId };
    const exported = {
      exportedAt: new Date().toISOString(),
      source: 'legacy memory pool (Map), e2e fixture',
      entries: [...adds.map(entry), entry(already), missing],
    };
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, 'legacy-export.json');
    await fs.writeFile(file, `${JSON.stringify(exported, null, 2)}\n`);
    return { file, addIds: adds.map((row) => Number(row.id)), pooledId: Number(already.id), missingId };
  } finally {
    await connection.end();
  }
}

/** The pool status of each booking, read straight from the sandbox's server. */
export async function poolStatuses(sandboxPort: number, ids: number[]): Promise<Map<number, string | null>> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: sandboxPort, user: 'root', password: '', database: SANDBOX_DATABASE });
  try {
    const [rows] = await connection.query('SELECT BOOKING_ID AS id, POOL_STATUS AS status FROM BOOKING_PLAN WHERE BOOKING_ID IN (?) LIMIT ?', [ids, ids.length]);
    return new Map((rows as { id: number; status: string | null }[]).map((row) => [Number(row.id), row.status]));
  } finally {
    await connection.end();
  }
}
