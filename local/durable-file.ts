// Writing a data-folder file so that a crash or a power cut leaves the old file or the new one,
// never a partial one: written whole to a temporary file (readable by the owner alone), flushed,
// renamed over the old one, and the rename made durable by syncing the folder. A big file may
// come as pieces of text (local/json-pieces.ts), written one after another: it is never one string.

import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

export function writeDurably(path: string, data: string | Buffer | Iterable<string>): void {
  // Created afresh, so its mode is 0600 even where a crash left a temporary file behind.
  rmSync(`${path}.tmp`, { force: true });
  if (typeof data === 'string' || Buffer.isBuffer(data)) {
    writeFileSync(`${path}.tmp`, data, { flush: true, mode: 0o600 });
  } else {
    const file = openSync(`${path}.tmp`, 'wx', 0o600);
    try {
      // Written at the file's position, whole (writeFileSync of a descriptor loops on short writes).
      for (const chunk of data) writeFileSync(file, chunk);
      fsyncSync(file);
    } finally {
      closeSync(file);
    }
  }
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
 * The same, with the writing and syncing on libuv's threads: the thread that serves the
 * endpoints is free while a big file is written. One at a time per path, and the caller's
 * `stillWanted` is asked once the data is on disk: a `writeDurably` of newer data made in the
 * meantime (on this thread, so never halfway through) says no, and this write is dropped
 * rather than renamed over it. The check and the rename run together on this thread, so
 * nothing can come between them. Resolves to whether the file was replaced. Pieces are made on
 * this thread as they are written, one chunk at a time; once `stillWanted` says no, no more are.
 */
export async function writeDurablyInBackground(
  path: string,
  data: string | Iterable<string>,
  stillWanted: () => boolean = () => true,
): Promise<boolean> {
  // Its own temporary file: one `writeDurably` makes meanwhile never shares it.
  const temporary = `${path}.background.tmp`;
  await rm(temporary, { force: true });
  const file = await open(temporary, 'wx', 0o600);
  try {
    if (typeof data === 'string') await file.writeFile(data);
    // Each at the file's position, whole (writeFile of a handle loops on short writes).
    else {
      for (const chunk of data) {
        if (!stillWanted()) break;
        await file.writeFile(chunk);
      }
    }
    await file.sync();
  } finally {
    await file.close();
  }
  if (!stillWanted()) {
    await rm(temporary, { force: true });
    return false;
  }
  renameSync(temporary, path);
  const folder = await open(dirname(path), 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
  return true;
}
