import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';
import { readManagedProfiles } from './managed-profiles.js';
import { savedProfileSchema, type ConnectionProfile, type ProfileSummary, type SavedProfile, type SavedProfileInput } from '../../shared/profile.js';

/** The OS's encryption (Electron's safeStorage in the desktop app); unavailable in plain Node. */
export interface SecretBox {
  readonly available: boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export const NO_SECRET_BOX: SecretBox = {
  available: false,
  encrypt: () => {
    throw new Error('no encryption available');
  },
  decrypt: () => {
    throw new Error('no encryption available');
  },
};

const storedSchema = z.object({
  version: z.literal(1),
  profiles: z.array(savedProfileSchema.extend({ sealedPassword: z.string().optional() })),
  /**
   * The user's own passwords for managed profiles, whose definitions are not theirs to store.
   * Absent in files written before there were any (still version 1): none.
   */
  credentials: z.array(z.object({ name: z.string().min(1).max(64), sealedPassword: z.string().min(1) }).strict()).default([]),
});
type Stored = z.infer<typeof storedSchema>;

/**
 * Connection profiles as JSON in the user-data folder. Passwords are sealed with the OS's
 * encryption; where there is none they are kept in memory for this session only, never on disk.
 *
 * With `managedFile`, the organisation's managed profiles (see managed-profiles.ts) are listed
 * too, marked managed, and cannot be saved over or deleted. A name clash is settled for the
 * managed profile: a user's profile of the same name (saved before the organisation shipped
 * theirs) is hidden and left untouched in the user's file, and no new one can take the name.
 * The user may keep their own password for a managed profile (setPassword): it is stored apart
 * from the profiles, under `credentials`, sealed or session-only like any other password.
 */
export class ProfileStore {
  private readonly sessionPasswords = new Map<string, string>();
  /** Session-only passwords for managed profiles, apart from those of the user's own profiles. */
  private readonly sessionCredentials = new Map<string, string>();
  /** Saves and deletes run one at a time: each reads, changes and rewrites the whole file. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
    /** The read-only managed profiles file; null: none (serve mode, the CLI, tests). */
    private readonly managedFile: string | null = null,
  ) {}

  get encryptionAvailable(): boolean {
    return this.box.available;
  }

  async list(): Promise<ProfileSummary[]> {
    const managed = await this.managed();
    const stored = await this.read();
    const own = stored.profiles.filter((profile) => !managed.some((candidate) => candidate.name === profile.name));
    return [
      ...managed.map((profile) => this.managedSummary(profile, stored)),
      ...own.map(({ sealedPassword, ...profile }) => this.summary(profile, sealedPassword)),
    ].sort((a, b) => a.name.localeCompare(b.name));
  }

  async get(name: string): Promise<SavedProfile> {
    const managed = (await this.managed()).find((profile) => profile.name === name);
    if (managed) return managed;
    const found = (await this.read()).profiles.find((profile) => profile.name === name);
    if (!found) throw new PoolError('INVALID_INPUT', `There is no saved profile named '${name}'.`);
    const { sealedPassword: _sealed, ...profile } = found;
    return profile;
  }

  /** Adds or replaces a profile; `password` undefined keeps the one stored, '' clears it. */
  save(input: SavedProfileInput, password?: string): Promise<ProfileSummary> {
    return this.oneAtATime(() => this.saveNow(input, password));
  }

  private async saveNow(input: SavedProfileInput, password?: string): Promise<ProfileSummary> {
    const profile = savedProfileSchema.parse(input);
    await this.refuseManaged(profile.name, 'changed', 'To use other settings, add your own profile under another name.');
    const stored = await this.read();
    const previous = stored.profiles.find((candidate) => candidate.name === profile.name);
    let sealedPassword = previous?.sealedPassword;
    if (password !== undefined) {
      sealedPassword = undefined;
      this.sessionPasswords.delete(profile.name);
      if (password !== '') {
        if (this.box.available) sealedPassword = this.box.encrypt(password);
        else this.sessionPasswords.set(profile.name, password);
      }
    }
    const profiles = stored.profiles.filter((candidate) => candidate.name !== profile.name);
    profiles.push({ ...profile, ...(sealedPassword ? { sealedPassword } : {}) });
    profiles.sort((a, b) => a.name.localeCompare(b.name));
    await this.write({ ...stored, profiles });
    return this.summary(profile, sealedPassword);
  }

  /**
   * Sets (or, with '', forgets) the user's password for a profile: their own, or a managed one
   * (whose definition stays read-only). Encrypted with the OS's encryption, or kept for this
   * session only where there is none, like profiles.save's.
   */
  setPassword(name: string, password: string): Promise<ProfileSummary> {
    return this.oneAtATime(() => this.setPasswordNow(name, password));
  }

  private async setPasswordNow(name: string, password: string): Promise<ProfileSummary> {
    const managed = (await this.managed()).find((profile) => profile.name === name);
    if (!managed) {
      const own = (await this.read()).profiles.find((profile) => profile.name === name);
      if (!own) throw new PoolError('INVALID_INPUT', `There is no saved profile named '${name}'.`);
      const { sealedPassword: _sealed, ...profile } = own;
      return this.saveNow(profile, password);
    }
    const stored = await this.read();
    const credentials = stored.credentials.filter((credential) => credential.name !== name);
    this.sessionCredentials.delete(name);
    if (password !== '') {
      if (this.box.available) credentials.push({ name, sealedPassword: this.box.encrypt(password) });
      else this.sessionCredentials.set(name, password);
    }
    credentials.sort((a, b) => a.name.localeCompare(b.name));
    const next = { ...stored, credentials };
    // a session-only password, or clearing one that was never on disk, leaves the file as it is
    if (JSON.stringify(next) !== JSON.stringify(stored)) await this.write(next);
    return this.managedSummary(managed, next);
  }

  delete(name: string): Promise<boolean> {
    return this.oneAtATime(() => this.deleteNow(name));
  }

  private async deleteNow(name: string): Promise<boolean> {
    await this.refuseManaged(name, 'deleted', 'Only whoever manages this workstation can remove it.');
    const stored = await this.read();
    const profiles = stored.profiles.filter((profile) => profile.name !== name);
    this.sessionPasswords.delete(name);
    if (profiles.length === stored.profiles.length) return false;
    await this.write({ ...stored, profiles });
    return true;
  }

  /** The profile with its password, for connecting; stays in main/server, never sent to the UI. */
  async connectionProfile(name: string): Promise<{ saved: SavedProfile; connection: ConnectionProfile }> {
    const managed = (await this.managed()).find((profile) => profile.name === name);
    const stored = await this.read();
    if (managed) {
      // The user's own password for it, if they set one; else none (socket or PAM authentication).
      const sealed = stored.credentials.find((credential) => credential.name === name)?.sealedPassword;
      const password = sealed ? this.unseal(name, sealed) : (this.sessionCredentials.get(name) ?? '');
      return { saved: managed, connection: toConnectionProfile(managed, password) };
    }
    const found = stored.profiles.find((profile) => profile.name === name);
    if (!found) throw new PoolError('INVALID_INPUT', `There is no saved profile named '${name}'.`);
    const { sealedPassword, ...saved } = found;
    const password = sealedPassword ? this.unseal(name, sealedPassword) : (this.sessionPasswords.get(name) ?? '');
    return { saved, connection: toConnectionProfile(saved, password) };
  }

  private unseal(name: string, sealed: string): string {
    if (!this.box.available) {
      throw new PoolError('AUTH_FAILED', `The password of '${name}' was encrypted by the OS keychain, which is not available now. Enter the password again.`);
    }
    try {
      return this.box.decrypt(sealed);
    } catch {
      throw new PoolError('AUTH_FAILED', `The stored password of '${name}' cannot be decrypted (another user or machine?). Enter the password again.`);
    }
  }

  private managed(): Promise<SavedProfile[]> {
    return this.managedFile ? readManagedProfiles(this.managedFile) : Promise.resolve([]);
  }

  private async refuseManaged(name: string, what: 'changed' | 'deleted', hint: string): Promise<void> {
    if (!(await this.managed()).some((profile) => profile.name === name)) return;
    throw new PoolError('NO_PRIVILEGE', `'${name}' is a managed profile (from ${this.managedFile}): it cannot be ${what} here. ${hint}`);
  }

  private summary(profile: SavedProfile, sealedPassword: string | undefined): ProfileSummary {
    return { ...profile, managed: false, ...passwordState(sealedPassword, this.sessionPasswords.has(profile.name)) };
  }

  private managedSummary(profile: SavedProfile, stored: Stored): ProfileSummary {
    const sealed = stored.credentials.find((credential) => credential.name === profile.name)?.sealedPassword;
    return { ...profile, managed: true, ...passwordState(sealed, this.sessionCredentials.has(profile.name)) };
  }

  private async read(): Promise<Stored> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, profiles: [], credentials: [] };
      throw new PoolError('INTERNAL', `Cannot read the profiles file ${this.file}: ${(error as Error).message}`);
    }
    const parsed = storedSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      throw new PoolError('INTERNAL', `The profiles file ${this.file} is damaged; move it aside to start with no profiles.`);
    }
    return parsed.data;
  }

  private oneAtATime<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change, change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  /** Written to a temporary file and renamed, so a crash never leaves half a file. */
  private async write(stored: Stored): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    // no `credentials` key while there are none: the file stays as versions before it wrote it
    const { credentials, ...rest } = stored;
    const content = credentials.length ? { ...rest, credentials } : rest;
    await writeFile(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    await rename(temporary, this.file);
  }
}

function passwordState(sealedPassword: string | undefined, inSession: boolean): Pick<ProfileSummary, 'hasPassword' | 'passwordStorage'> {
  return { hasPassword: Boolean(sealedPassword) || inSession, passwordStorage: sealedPassword ? 'encrypted' : inSession ? 'session-only' : 'none' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function toConnectionProfile(saved: Pick<SavedProfile, 'host' | 'port' | 'user' | 'database' | 'socketPath' | 'tls'>, password: string): ConnectionProfile {
  return { host: saved.host, port: saved.port, user: saved.user, password, database: saved.database, socketPath: saved.socketPath, tls: saved.tls };
}
