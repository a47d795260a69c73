import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs the real pretest script, with installing off: a test never runs apt-get. */
async function pretest(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/test-prerequisites.ts'], {
      cwd: ROOT,
      env: { ...process.env, POOL_TEST_NO_INSTALL: '1', ...env },
      timeout: 50_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

// tsx compiles the script on each run: 10–17 s seen on two busy cores
describe('scripts/test-prerequisites.ts (npm test runs it first)', { timeout: 60_000 }, () => {
  it('says nothing and exits 0 where everything is found', async () => {
    // npm test ran the step before this suite, so the machine has a server (or a URL) and a Chromium
    expect(await pretest({})).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('stops before any test with exit 1 and one line when POOL_E2E_CHROMIUM names no Chromium', async () => {
    const result = await pretest({ POOL_E2E_CHROMIUM: path.join(ROOT, 'no-such-chromium') });
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `test prerequisites: POOL_E2E_CHROMIUM=${path.join(ROOT, 'no-such-chromium')} is not an executable Chromium: point it at one, or unset it to use (or install) the machine's own.`,
    ]);
  });
});
