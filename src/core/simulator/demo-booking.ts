import { PoolError } from '../../shared/errors.js';
import type { Database } from '../db/database.js';
import type { MeetingType } from '../pool/pool-types.js';
import { pick } from './random.js';
import { DEMO_OWNER_PREFIX, DURATION_STEP_MINUTES, DURATION_STEPS, OWNER_GROUPS, demoMeetingType, demoStartMinutes } from './demo-shape.js';

export interface NewDemoBooking {
  bookingId: number;
  meetingType: MeetingType;
  timeStart: Date;
}

/**
 * Inserts one waiting demo booking, its start counted from the database's current hour, and reads
 * back its id and start. One row per statement: LAST_INSERT_ID() on the same connection (hence
 * the transaction) names exactly that row, whatever the server's auto-increment lock mode.
 */
export async function insertDemoBooking(db: Database, random: () => number): Promise<NewDemoBooking> {
  const meetingType = demoMeetingType(random);
  const startMinutes = demoStartMinutes(random);
  const durationMinutes = DURATION_STEP_MINUTES * (1 + Math.floor(random() * DURATION_STEPS));
  return db.transaction(async (transaction) => {
    await db.execute(
      'simulator.booking.insert',
      `INSERT INTO BOOKING_PLAN (OWNER_EMP_CODE, OWNER_GROUP, MEETING_ROOM, MEETING_TYPE, TIME_START, TIME_END, BOOKING_STATUS)
       SELECT :owner, :group, :room, :meetingType, base.t + INTERVAL :startMinutes MINUTE, base.t + INTERVAL :endMinutes MINUTE, 'waiting'
         FROM (SELECT TIMESTAMP(DATE_FORMAT(UTC_TIMESTAMP(), '%Y-%m-%d %H:00:00')) AS t) base`,
      {
        replacements: {
          owner: `${DEMO_OWNER_PREFIX}${String(Math.floor(random() * 10_000)).padStart(4, '0')}`,
          group: pick(OWNER_GROUPS, random),
          room: `Room ${1 + Math.floor(random() * 40)}`,
          meetingType,
          startMinutes,
          endMinutes: startMinutes + durationMinutes,
        },
        transaction,
      },
    );
    const [row] = await db.select<NewDemoBooking>(
      'simulator.booking.read',
      'SELECT BOOKING_ID AS bookingId, MEETING_TYPE AS meetingType, TIME_START AS timeStart FROM BOOKING_PLAN WHERE BOOKING_ID = LAST_INSERT_ID()',
      { transaction },
    );
    if (!row) throw new PoolError('INTERNAL', 'The demo booking just inserted could not be read back.');
    return { ...row, bookingId: Number(row.bookingId) };
  });
}
