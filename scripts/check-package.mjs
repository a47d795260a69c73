#!/usr/bin/env node
/* global process, console */
// `npm run check:package` (after `npm run build`): what can be checked of the installers without
// Electron's binary, which cannot be downloaded on the build machines.
//  1. electron-builder.yml passes electron-builder's own schema check, and the policy
//     (targets, per-user nsis, dmg for x64 and arm64, versioned artifact names, asar).
//  2. The packaged file list. Method: a real `electron-builder --dir` for Linux, with `electronDist`
//     pointing at a stand-in Electron folder (one dummy executable), into a temporary folder. That
//     runs electron-builder's own file matching and production-dependency collection and writes a
//     real app.asar, which is then listed. Nothing is downloaded (npmRebuild is off; no installer
//     target runs). Exit 0 when all holds, 1 with the problems otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileListProblems, loadBuilderConfig, policyProblems, validateBuilderConfig } from './package-checks.mjs';

const require = createRequire(import.meta.url);
const root = join(import.meta.dirname, '..');
const problems = [];

const config = await loadBuilderConfig(root);
try {
  await validateBuilderConfig(config);
  console.log('electron-builder.yml: valid against app-builder-lib/scheme.json');
} catch (error) {
  problems.push(`electron-builder.yml does not validate: ${error.message}`);
}
problems.push(...policyProblems(config).map((problem) => `electron-builder.yml: ${problem}`));

if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  problems.push('out/ is missing: run `npm run build` first');
} else {
  problems.push(...packagedFileProblems());
}

if (problems.length > 0) {
  for (const problem of problems) console.error(`check:package: ${problem}`);
  process.exit(1);
}
console.log('check:package: ok');

function packagedFileProblems() {
  const work = mkdtempSync(join(tmpdir(), 'pool-console-pack-'));
  try {
    const electronDist = join(work, 'electron');
    const output = join(work, 'dist');
    // The stand-in: electron-builder copies this folder and renames `electron` to the executable.
    mkdirSync(electronDist, { recursive: true });
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\necho "stand-in Electron for check:package"\n', { mode: 0o755 });
    const builder = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
    const run = spawnSync(builder, ['--dir', '--linux', '--x64', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    });
    if (run.status !== 0) return [`electron-builder --dir failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`];
    const resources = join(output, 'linux-unpacked', 'resources');
    const { listPackage } = require('@electron/asar');
    const packed = listPackage(join(resources, 'app.asar'), { isPack: false });
    const unpackedDir = join(resources, 'app.asar.unpacked');
    const unpacked = existsSync(unpackedDir) ? walk(unpackedDir).map((file) => relative(unpackedDir, file)) : [];
    const files = [...new Set([...packed, ...unpacked].map((file) => file.replace(/\\/g, '/').replace(/^\/+/, '')))];
    const top = [...new Set(files.map((file) => file.split('/')[0]))].sort();
    console.log(`packaged app: ${files.length} entries; top level: ${top.join(', ')}`);
    return fileListProblems(files);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? [path, ...walk(path)] : [path];
  });
}
