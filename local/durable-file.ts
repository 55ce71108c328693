// Writing a data-folder file so that a crash or a power cut leaves the old file or the new one,
// never a partial one: written whole to a temporary file (readable by the owner alone), flushed,
// renamed over the old one, and the rename made durable by syncing the folder.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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
