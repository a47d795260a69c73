import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without types; its functions take and return plain data
import { fileListProblems, loadBuilderConfig, policyProblems, REQUIRED_FILES, validateBuilderConfig } from '../../../scripts/package-checks.mjs';

const ROOT = new URL('../../../', import.meta.url).pathname;

describe('the installers configuration (electron-builder.yml)', () => {
  it("passes electron-builder's own schema check and the issue's policy", async () => {
    const config = await loadBuilderConfig(ROOT);
    await expect(validateBuilderConfig(config)).resolves.toBeUndefined();
    expect(policyProblems(config)).toEqual([]);
    expect(config).toMatchObject({ appId: 'org.poolconsole.desktop', productName: 'Pool Console', asar: true });
  });

  it('is refused by the schema check for an option electron-builder does not know', async () => {
    const config = await loadBuilderConfig(ROOT);
    await expect(validateBuilderConfig({ ...config, nsis: { ...config.nsis, perUser: true } })).rejects.toThrow(/nsis/);
  });

  it('reports a machine-wide installer, a missing target and an unversioned artifact name', async () => {
    const config = await loadBuilderConfig(ROOT);
    const problems = policyProblems({ ...config, artifactName: 'pool-console.${ext}', nsis: { ...config.nsis, perMachine: true }, mac: { target: [{ target: 'dmg', arch: ['x64'] }] } });
    expect(problems).toEqual(['artifactName must carry ${version}', expect.stringContaining('per user'), 'mac dmg lacks arm64']);
  });
});

describe('the packaged file list', () => {
  const good = [...REQUIRED_FILES, 'out/renderer/assets/index.js', 'package.json', 'node_modules/zod/package.json', 'node_modules/mysql2/lib/src/x.js'];

  it('holds out/main, out/preload, out/renderer and resources/ (a dependency may have its own src/)', () => {
    expect(fileListProblems(good)).toEqual([]);
    expect(fileListProblems(good.map((file) => `/${file}`))).toEqual([]);
  });

  it("reports the project's src/ or test/ leaking in, and a missing part", () => {
    expect(fileListProblems([...good, 'src/main/index.ts', 'test/unit/x.test.ts'])).toEqual([
      "1 file(s) from the project's src/ (e.g. src/main/index.ts)",
      "1 file(s) from the project's test/ (e.g. test/unit/x.test.ts)",
    ]);
    expect(fileListProblems(good.filter((file) => !file.startsWith('out/preload/')))).toEqual(['nothing from out/preload/', 'out/preload/index.cjs is missing']);
  });
});
