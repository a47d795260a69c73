import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { savedProfileSchema, type SavedProfile } from '../../shared/profile.js';

/**
 * Managed profiles: connection profiles an organisation ships to every workstation, in a JSON
 * file only an administrator can write. The console only ever reads it. It carries no passwords:
 * each user has their own database account.
 */

/** Names another file (tests, or a non-standard install); the per-OS place otherwise. */
export const MANAGED_PROFILES_ENV = 'POOL_CONSOLE_MANAGED_PROFILES';

export function managedProfilesPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[MANAGED_PROFILES_ENV];
  if (override) return override;
  if (platform === 'win32') return path.win32.join(env['ProgramData'] || env['PROGRAMDATA'] || 'C:\\ProgramData', 'PoolConsole', 'profiles.json');
  if (platform === 'darwin') return '/Library/Application Support/PoolConsole/profiles.json';
  return '/etc/pool-console/profiles.json';
}

const SECRET_KEYS = ['password', 'sealedPassword', 'passwordFile'];

const managedFileSchema = z
  .object({
    version: z.literal(1),
    // strict: an unknown key is a typo an administrator wants to hear about, not to lose silently
    profiles: z.array(savedProfileSchema.strict()).max(500),
  })
  .strict();

/** The managed profiles in `file`; none when it does not exist. Refuses a file with a password. */
export async function readManagedProfiles(file: string): Promise<SavedProfile[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new PoolError('INTERNAL', `Cannot read the managed profiles file ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(file, '(the file)', `it is not JSON (${(error as Error).message})`);
  }
  const secret = findSecret(json);
  if (secret) throw invalid(file, secret, 'managed profiles carry no password; remove it (each user enters their own)');
  const parsed = managedFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? fieldName([...issue.path, issue.keys[0] ?? '']) : fieldName(issue.path);
    throw invalid(file, field || '(the file)', issue.message);
  }
  const seen = new Set<string>();
  parsed.data.profiles.forEach((profile, index) => {
    if (seen.has(profile.name)) throw invalid(file, `profiles[${index}].name`, `'${profile.name}' is named twice`);
    seen.add(profile.name);
  });
  return parsed.data.profiles;
}

function findSecret(json: unknown): string | null {
  const profiles = (json as { profiles?: unknown } | null)?.profiles;
  if (!Array.isArray(profiles)) return null;
  for (const [index, profile] of profiles.entries()) {
    const key = SECRET_KEYS.find((name) => profile && typeof profile === 'object' && name in profile);
    if (key) return `profiles[${index}].${key}`;
  }
  return null;
}

function fieldName(segments: readonly PropertyKey[]): string {
  return segments.map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`)).join('');
}

function invalid(file: string, field: string, problem: string): PoolError {
  return new PoolError(
    'INVALID_INPUT',
    `The managed profiles file ${file} is invalid at ${field}: ${problem}. Ask whoever manages this workstation to correct it.`,
    { file, field },
  );
}
