import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = new URL('../../../scripts/smoke-desktop.mjs', import.meta.url).pathname;

describe('npm run smoke:desktop where it cannot run', () => {
  it("exits 2 with one line when Electron's binary is missing (never trying to download it)", () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-electron-'));
    try {
      // ELECTRON_OVERRIDE_DIST_PATH: an Electron folder without the binary, as on the build machines
      const run = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: empty } });
      expect(run.status).toBe(2);
      expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^smoke:desktop: cannot run here: Electron's binary is not installed/)]);
      expect(run.stderr).toBe('');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('exits 2 with one line when the packaged app it is pointed at does not exist', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--executable', '/nonexistent/pool-console'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout.trim()).toBe('smoke:desktop: cannot run here: /nonexistent/pool-console does not exist');
  });
});
