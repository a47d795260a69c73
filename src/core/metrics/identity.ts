import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';

/**
 * Who writes a row: role, OS user@host, process id and a random tag (two recorders in one
 * process, or a restarted one, are told apart). At most 128 characters (RECORDER_ID).
 */
export function recorderIdentity(role: string): string {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // some containers have no passwd entry for the uid
  }
  return `${role} ${user}@${hostname()} pid ${process.pid} #${randomBytes(3).toString('hex')}`.slice(0, 128);
}
