import { z } from 'zod';

/** Where a console connects: one booking database. */
export const connectionProfileSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(3306),
  user: z.string().min(1),
  password: z.string().default(''),
  database: z.string().min(1).max(64).regex(/^[A-Za-z0-9_$-]+$/, 'letters, digits, _, $ or - only'),
  socketPath: z.string().min(1).optional(),
  tls: z
    .object({
      ca: z.string().optional(),
      rejectUnauthorized: z.boolean().default(true),
    })
    .optional(),
});

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;
export type ConnectionProfileInput = z.input<typeof connectionProfileSchema>;
