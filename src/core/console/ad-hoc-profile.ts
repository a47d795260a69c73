import { savedProfileSchema, type ConnectionProfile, type SavedProfile } from '../../shared/profile.js';

/** The name of the unsaved profile a command line (`--url`, `--host`…) connects with. */
export const COMMAND_LINE_PROFILE = 'command line';

/**
 * A profile for a connection given on a command line rather than saved: it lives in the process's
 * memory only, and `ConnectionSession.connect(saved, connection)` opens it like a saved one, so a
 * read-only flag refuses writes on the same path (`assertWritable`).
 */
export function adHocProfile(connection: ConnectionProfile, options: { readOnly?: boolean; name?: string } = {}): SavedProfile {
  return savedProfileSchema.parse({
    name: options.name ?? COMMAND_LINE_PROFILE,
    host: connection.host,
    port: connection.port,
    user: connection.user,
    database: connection.database,
    socketPath: connection.socketPath,
    tls: connection.tls,
    readOnly: options.readOnly ?? false,
  });
}
