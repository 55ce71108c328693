// Writing a data-folder file so that a crash or a power cut leaves the old file or the new one,
// never a partial one: written whole to a temporary file (readable by the owner alone), flushed,
// renamed over the old one, and the rename made durable by syncing the folder.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export function writeDurably(path: string, data: string | Buffer): void {
  // Created afresh, so its mode is 0600 even where a crash left a temporary file behind.
  rmSync(`${path}.tmp`, { force: true });
  writeFileSync(`${path}.tmp`, data, { flush: true, mode: 0o600 });
  renameSync(`${path}.tmp`, path);
  syncFolder(dirname(path));
}

/** Makes the folder's entries (a rename, a new file) durable. */
export function syncFolder(folder: string): void {
  const handle = openSync(folder, 'r');
  try {
    fsyncSync(handle);
  } finally {
    closeSync(handle);
  }
}

/**
 * The same, with the file system's work on libuv's threads: the thread that serves the
 * endpoints is free while a big file is written and synced. One at a time per path: the
 * caller waits for one to end before it starts the next (both use the same temporary file).
 */
export async function writeDurablyInBackground(path: string, data: string): Promise<void> {
  const temporary = `${path}.tmp`;
  await rm(temporary, { force: true });
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
