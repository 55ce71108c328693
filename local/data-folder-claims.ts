// Which data folders the local clouds of this process run on. Local clouds change nothing
// process-wide, so several may run in one process, but never two on one data folder: both
// would open its tables, its ledger and its state.json, and the second's tables would be
// closed under the first. The second start is refused before it opens or writes anything.

import { existsSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataFolderInvalid } from './errors.js';

/** One registry per process, even if this module were loaded twice (a test runner may do that). */
const KEY = Symbol.for('cutover.local-cloud-data-folders');
const claimed = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Set<string>()) as Set<string>;

/** Claims `dataDir` for one local cloud; the returned function lets it go (once stopped). */
export function claimDataFolder(dataDir: string): () => void {
  const path = existsSync(dataDir) ? realpathSync(dataDir) : resolve(dataDir);
  if (claimed.has(path)) {
    throw new DataFolderInvalid(
      `a local cloud in this process already runs on the data folder ${dataDir}: stop it first, ` +
        `or give this one a data folder of its own`,
    );
  }
  claimed.add(path);
  return () => void claimed.delete(path);
}
