import { z } from 'zod';

/**
 * A Unix socket (or Windows pipe) path. Node reads a string that Number() takes as >= 0 (' ',
 * '3306', '1e309', '0x10') as a TCP port, not a path, so those are refused here.
 */
const socketPathSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine((path) => !(Number(path) >= 0), "must be the path of the server's socket file, e.g. /run/mysqld/mysqld.sock");

/** Where a console connects: one booking database. */
export const connectionProfileSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(3306),
  user: z.string().min(1),
  password: z.string().default(''),
  database: z.string().min(1).max(64).regex(/^[A-Za-z0-9_$-]+$/, 'letters, digits, _, $ or - only'),
  socketPath: socketPathSchema.optional(),
  tls: z
    .object({
      ca: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
});

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof connectionProfileSchema>;

export const ENVIRONMENTS = ['production', 'staging', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** A TCP port, refused in words a person uses (the form shows the message at its field). */
const PORT_RANGE = 'Port must be a whole number between 1 and 65535';
const portSchema = z.number({ error: PORT_RANGE }).int({ error: PORT_RANGE }).min(1, { error: PORT_RANGE }).max(65535, { error: PORT_RANGE });
const hostSchema = (what: string) =>
  z.string({ error: `${what} is required` }).trim().min(1, { error: `${what} is required: a server name or IP address` }).max(255, { error: `${what} must be at most 255 characters` });

/** Reads go to the primary once the replica is further behind than this, unless the profile says otherwise. */
export const DEFAULT_MAX_LAG_SECONDS = 30;
const MAX_LAG_RANGE = 'Max replica lag must be a whole number of seconds from 0 to 86400';

/** A saved connection as ops staff edit it; the password is kept apart, encrypted or in memory only. */
export const savedProfileSchema = z.object({
  name: z.string({ error: 'Name is required' }).trim().min(1, { error: 'Name is required' }).max(64, { error: 'Name must be at most 64 characters' }),
  host: hostSchema('Host'),
  port: portSchema.default(3306),
  user: z.string({ error: 'User is required' }).min(1, { error: 'User is required' }).max(128, { error: 'User must be at most 128 characters' }),
  database: connectionProfileSchema.shape.database,
  socketPath: socketPathSchema.optional(),
  tls: connectionProfileSchema.shape.tls,
  environment: z.enum(ENVIRONMENTS).default('staging'),
  readOnly: z.boolean().default(false),
  /**
   * A read replica for stats, history and entry lists, so watching the pool does not load the
   * primary; above `maxLagSeconds` behind (or not answering) reads go to the primary and say so.
   */
  replica: z
    .object({
      host: hostSchema('Replica host'),
      port: portSchema.default(3306),
      maxLagSeconds: z
        .number({ error: MAX_LAG_RANGE })
        .int({ error: MAX_LAG_RANGE })
        .min(0, { error: MAX_LAG_RANGE })
        .max(86_400, { error: MAX_LAG_RANGE })
        .default(DEFAULT_MAX_LAG_SECONDS),
    })
    .optional(),
});

export type SavedProfile = z.infer<typeof savedProfileSchema>;
export type SavedProfileInput = z.input<typeof savedProfileSchema>;

/** What the UI may see of a saved profile: everything but the password. */
export interface ProfileSummary extends SavedProfile {
  hasPassword: boolean;
  /** Where its password lives: encrypted on disk, or only for this session (no OS encryption). */
  passwordStorage: 'encrypted' | 'session-only' | 'none';
  /** Shipped by the organisation in a read-only file: shown, connected to, never edited or deleted here. */
  managed: boolean;
}
