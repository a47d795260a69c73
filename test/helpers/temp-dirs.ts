import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LocalDatabaseServer } from '../../src/core/sandbox/local-server.js';

const PREFIX = 'pool-console-test-';

/**
 * A fresh temp dir named after this process, so a later run can tell a crashed run's leftovers
 * (owner gone) from a concurrent run's (owner alive).
 */
export function makeTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
}

function ownerAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops the servers of crashed test runs and deletes their temp dirs; says so on stderr. */
export async function sweepOrphanedTempDirs(): Promise<void> {
  const entries = await fs.readdir(os.tmpdir());
  for (const entry of entries) {
    const owner = new RegExp(`^${PREFIX}(\\d+)-`).exec(entry)?.[1];
    if (owner === undefined || ownerAlive(Number(owner))) continue;
    const dir = path.join(os.tmpdir(), entry);
    // a Galera cluster's nodes live one level down (node1, node2, …)
    const nodes = (await fs.readdir(dir).catch(() => [] as string[])).filter((name) => /^node\d+$/.test(name)).map((name) => path.join(dir, name));
    for (const dataDir of [...nodes, dir]) {
      const server = new LocalDatabaseServer({ dataDir });
      if (server.running) console.warn(`Stopping a database server left running by a crashed test run in ${server.dataDir}`);
      await server.remove();
    }
  }
}
