import type { ProfileSummary, SavedProfileInput } from '../../../shared/profile';
import type { CallError } from '../../api/call-error';

/** A saved profile as profiles.save takes it back: the summary without what the back derives. */
export function toSavedInput({ hasPassword: _has, passwordStorage: _storage, managed: _managed, ...profile }: ProfileSummary): SavedProfileInput {
  return profile;
}

export const PASSWORD_STORAGE_TEXT: Record<ProfileSummary['passwordStorage'], string> = {
  encrypted: 'encrypted',
  'session-only': 'this session only',
  none: 'no password',
};

/** How the form labels each field, for a notice that names the fields at fault. */
export const FIELD_LABELS: Record<string, string> = {
  name: 'Name', environment: 'Environment', host: 'Host', port: 'Port', user: 'User', database: 'Database', password: 'Password', replica: 'Read replica',
  'replica.host': 'Read replica host', 'replica.port': 'Replica port', 'replica.maxLagSeconds': 'Max replica lag',
};

/**
 * An INVALID_INPUT envelope's issues by form field: `profile.database` → `database`. The back
 * names the field at fault; the form shows each message next to its field.
 */
export function fieldErrors(error: CallError | null): Record<string, string> {
  if (error?.code !== 'INVALID_INPUT') return {};
  const issues = Array.isArray(error.details?.issues) ? (error.details.issues as { path?: unknown; message?: unknown }[]) : [];
  const byField: Record<string, string> = {};
  for (const issue of issues) {
    const path = String(issue.path ?? '').replace(/^(profile|draft)\./, '');
    const segments = path.split('.');
    // the replica's fields each have their own input
    const field = segments[0] === 'replica' && segments[1] ? `replica.${segments[1]}` : (segments[0] ?? '');
    if (field && !byField[field]) byField[field] = String(issue.message ?? 'invalid');
  }
  return byField;
}
