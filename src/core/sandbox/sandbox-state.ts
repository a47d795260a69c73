import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { PoolError } from '../../shared/errors.js';

/**
 * `<baseDir>/sandbox.json`: what the sandbox remembers between runs. The port, so a restart
 * serves the same address; and whether the demo database was seeded to the end, so a first start
 * that was interrupted half-way is redone rather than taken for a finished one.
 */
const sandboxStateSchema = z.object({
  version: z.literal(1),
  port: z.number().int().min(1).max(65_535).optional(),
  seeded: z
    .object({
      at: z.string(),
      database: z.string(),
      bookings: z.number().int(),
      pooled: z.number().int(),
    })
    .optional(),
});

export type SandboxState = z.infer<typeof sandboxStateSchema>;

export const stateFile = (baseDir: string): string => path.join(baseDir, 'sandbox.json');
export const lockFile = (baseDir: string): string => path.join(baseDir, 'sandbox.lock');

export async function readSandboxState(baseDir: string): Promise<SandboxState> {
  const file = stateFile(baseDir);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1 };
    throw new PoolError('INTERNAL', `Cannot read ${file}: ${(error as Error).message}`, undefined, { cause: error });
  }
  const damaged = (why: string) =>
    new PoolError('INTERNAL', `${file} is damaged (${why}). Delete it to let the sandbox start afresh: the demo database is then created and seeded again.`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw damaged((error as Error).message);
  }
  const parsed = sandboxStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw damaged(`${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'rejected'}`);
  }
  return parsed.data;
}

/** Written to a temp file and renamed, so a crash never leaves half a file. */
export async function writeSandboxState(baseDir: string, state: SandboxState): Promise<void> {
  const file = stateFile(baseDir);
  const partial = `${file}.${process.pid}.tmp`;
  await fs.writeFile(partial, `${JSON.stringify(state, null, 2)}\n`);
  await fs.rename(partial, file);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One console at a time per sandbox: starting the server stops whatever server runs on the same
 * data directory, so a second console would pull the database from under the first. A lock left
 * by a process that is gone is taken over. Returns the release function.
 */
export async function lockSandbox(baseDir: string): Promise<() => Promise<void>> {
  const file = lockFile(baseDir);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return async () => {
        await fs.rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt((await fs.readFile(file, 'utf8').catch(() => '')).trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && processAlive(holder)) {
      const who = holder === process.pid ? 'this process (stop the running sandbox first)' : `process ${holder}`;
      throw new PoolError(
        'CONFLICT',
        `The local sandbox in ${baseDir} is already in use by ${who}. Close the other console, or delete ${file} if no console is running.`,
        { pid: holder },
      );
    }
    await fs.rm(file, { force: true }); // left by a crashed run
  }
  throw new PoolError('CONFLICT', `Another console took the local sandbox lock ${file} at the same moment; try again.`);
}
