import type { Database } from '../db/database.js';
import type { MeetingType, PoolMode } from './pool-types.js';

export interface Thresholds {
  priorityValue: number;
  urgentThresholdDays: number;
  generalThresholdDays: number;
}

/** The host's defaults (DOMAIN.md), used where MEETING_TYPE_PRIORITY lacks a row. */
export const DEFAULT_THRESHOLDS: Record<MeetingType, Thresholds> = {
  DR: { priorityValue: 5, urgentThresholdDays: 1, generalThresholdDays: 7 },
  VIP: { priorityValue: 4, urgentThresholdDays: 2, generalThresholdDays: 14 },
  Weekly: { priorityValue: 3, urgentThresholdDays: 3, generalThresholdDays: 30 },
  General: { priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30 },
  Augent: { priorityValue: 2, urgentThresholdDays: 3, generalThresholdDays: 30 },
  Other: { priorityValue: 1, urgentThresholdDays: 5, generalThresholdDays: 45 },
};

const DAY_MS = 86_400_000;

/** Days before the meeting's start at which its entry becomes eligible: BALANCE U+1, others U. */
export function deadlineLeadDays(mode: PoolMode, thresholds: Thresholds): number {
  return mode === 'BALANCE' ? thresholds.urgentThresholdDays + 1 : thresholds.urgentThresholdDays;
}

export function computeDeadline(timeStart: Date, mode: PoolMode, thresholds: Thresholds): Date {
  return new Date(timeStart.getTime() - deadlineLeadDays(mode, thresholds) * DAY_MS);
}

/** The same rule in SQL, for set-based repairs; the columns must be in scope as named. */
export function deadlineSql(timeStart: string, mode: string, urgentDays: string): string {
  return `${timeStart} - INTERVAL (${urgentDays} + IF(${mode} = 'BALANCE', 1, 0)) DAY`;
}

/** MEETING_TYPE_PRIORITY merged over the defaults; the host table is optional. */
export async function loadThresholds(db: Database): Promise<Record<MeetingType, Thresholds>> {
  const [exists] = await db.select<{ n: number }>(
    'thresholds.exists',
    `SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'MEETING_TYPE_PRIORITY'`,
  );
  const merged = structuredClone(DEFAULT_THRESHOLDS);
  if (!Number(exists?.n)) return merged;
  const rows = await db.select<{ meetingType: MeetingType } & Thresholds>(
    'thresholds.load',
    `SELECT MEETING_TYPE AS meetingType, PRIORITY_VALUE AS priorityValue, URGENT_THRESHOLD_DAYS AS urgentThresholdDays,
            GENERAL_THRESHOLD_DAYS AS generalThresholdDays FROM MEETING_TYPE_PRIORITY`,
  );
  for (const row of rows) {
    if (row.meetingType in merged) {
      merged[row.meetingType] = { priorityValue: Number(row.priorityValue), urgentThresholdDays: Number(row.urgentThresholdDays), generalThresholdDays: Number(row.generalThresholdDays) };
    }
  }
  return merged;
}
