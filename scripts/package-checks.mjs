/* global structuredClone */
// The checks behind `npm run check:package`, as functions so tests can feed them bad input.
// They use electron-builder's own code: getConfig reads electron-builder.yml the way `electron-builder`
// does, validateConfiguration checks it against app-builder-lib/scheme.json (ajv) exactly as a
// real build would before anything is downloaded.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
const { DebugLogger } = require('builder-util/out/DebugLogger.js');

/** The configuration electron-builder would use for the project at `root` (file, package.json, overrides). */
export function loadBuilderConfig(root, overrides = null) {
  return getConfig(root, null, overrides);
}

/** Throws electron-builder's own InvalidConfigurationError when the configuration breaks its schema. */
export async function validateBuilderConfig(config) {
  await validateConfiguration(structuredClone(config), new DebugLogger(false));
}

const targetsOf = (platform) => (platform?.target ?? []).map((entry) => (typeof entry === 'string' ? { target: entry } : entry));

/** What the issue asks of the installers, beyond the schema. Returns the problems found. */
export function policyProblems(config) {
  const problems = [];
  if (!config.appId) problems.push('appId is missing');
  if (!config.productName) problems.push('productName is missing');
  if (!String(config.artifactName ?? '').includes('${version}')) problems.push('artifactName must carry ${version}');
  if (config.asar === false) problems.push('asar must be on');
  const linux = targetsOf(config.linux).map((entry) => entry.target);
  for (const target of ['deb', 'AppImage']) if (!linux.includes(target)) problems.push(`linux targets lack ${target}`);
  if (!targetsOf(config.win).some((entry) => entry.target === 'nsis')) problems.push('win targets lack nsis');
  if (config.nsis?.perMachine !== false || config.nsis?.allowElevation !== false) problems.push('nsis must install per user without elevation (perMachine: false, allowElevation: false)');
  const dmg = targetsOf(config.mac).find((entry) => entry.target === 'dmg');
  for (const arch of ['x64', 'arm64']) if (!dmg?.arch?.includes(arch)) problems.push(`mac dmg lacks ${arch}`);
  return problems;
}

/** Files every package must hold (paths inside app.asar, or beside it in app.asar.unpacked). */
export const REQUIRED_FILES = ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'resources/icon.png', 'resources/icons/512x512.png'];
const REQUIRED_FOLDERS = ['out/main/', 'out/preload/', 'out/renderer/', 'resources/'];
const FORBIDDEN_FOLDERS = ['src/', 'test/'];

/** Problems with a packaged file list (paths relative to the app root, '/'-separated). */
export function fileListProblems(files) {
  const relative = files.map((file) => file.replace(/\\/g, '/').replace(/^\/+/, ''));
  const problems = [];
  for (const folder of REQUIRED_FOLDERS) if (!relative.some((file) => file.startsWith(folder))) problems.push(`nothing from ${folder}`);
  for (const file of REQUIRED_FILES) if (!relative.includes(file)) problems.push(`${file} is missing`);
  for (const folder of FORBIDDEN_FOLDERS) {
    const leaked = relative.filter((file) => file.startsWith(folder) || file === folder.slice(0, -1));
    if (leaked.length > 0) problems.push(`${leaked.length} file(s) from the project's ${folder} (e.g. ${leaked[0]})`);
  }
  return problems;
}
