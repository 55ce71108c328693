// Where the CLI's prebuilt bundle lives and whether it is still current. This runs at every
// start of `cutover`, so it stays small: it reads one JSON file and stats the bundle's
// sources, and loads nothing else. Building is in ./build.mjs, loaded only when needed.
//
// The bundle folder (dist/cli/ unless CUTOVER_CLI_BUILD_DIR names another) holds one folder
// per build, named by a hash of its files, and manifest.json naming the current one:
//   { "version": 1, "build": "<hash>", "inputs": { "cli/main.ts": [mtimeMs, size], ... } }
// Paths in "inputs" are relative to the repository; each file was stamped just before the
// build read it, so one edited during the build makes the bundle stale at once.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MANIFEST_VERSION = 1;
/** The repository: the folder above cli/. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The bundle's entry module inside a build folder. */
export const ENTRY_FILE = 'main.js';

export function bundleDir() {
  return process.env.CUTOVER_CLI_BUILD_DIR || join(ROOT, 'dist', 'cli');
}

/** The manifest in `dir`, or undefined if there is none (or it is not one this code wrote). */
export function readManifest(dir = bundleDir()) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const ok =
    manifest?.version === MANIFEST_VERSION &&
    typeof manifest.build === 'string' &&
    /^[0-9a-f]{16}$/.test(manifest.build) &&
    typeof manifest.inputs === 'object';
  return ok ? manifest : undefined;
}

/** A file's stamp: what the manifest records of it. Undefined if it does not exist. */
export function stampOf(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  return stats === undefined ? undefined : [stats.mtimeMs, stats.size];
}

/** The file URL of the current bundle's entry, or undefined if it is missing or any input changed. */
export function freshEntry(dir = bundleDir()) {
  const manifest = readManifest(dir);
  if (manifest === undefined) return undefined;
  for (const [path, recorded] of Object.entries(manifest.inputs)) {
    const now = stampOf(join(ROOT, path));
    if (now === undefined || now[0] !== recorded[0] || now[1] !== recorded[1]) return undefined;
  }
  const entry = join(dir, manifest.build, ENTRY_FILE);
  return stampOf(entry) === undefined ? undefined : pathToFileURL(entry).href;
}

/** The error importing esbuild gives where it is not installed (a production install). */
export function isEsbuildMissing(error) {
  return error?.code === 'ERR_MODULE_NOT_FOUND' && /'esbuild'/.test(String(error.message));
}
