// Who may read the data folder: its owner alone. It holds the HTTP API's bearer token (whoever
// reads it can deploy, promote and roll back), the ledger's private signing key in `kms/`, and
// every table and object of the local cloud. So the folder is made 0700 and every file in it
// 0600, whatever the umask: at start (an older folder is tightened, with a note in the log) and
// at each save of state.json (dynalite's LevelDB makes new files as it goes, with the umask's
// mode; the folders around them already keep others out). A token file that is too short to be
// secret, or that other users could already read, is refused at start: it may have leaked.

import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataFolderInvalid } from './errors.js';

/** The HTTP API's bearer token, in the data folder (api-server.ts writes it on first start). */
export const TOKEN_FILE = 'token';
/** The fewest characters a token file may hold (the local cloud writes 64 random hex digits). */
export const MIN_TOKEN_LENGTH = 32;

const PRIVATE_FILE = 0o600;
const PRIVATE_FOLDER = 0o700;
/** Group and other permission bits. */
const SHARED = 0o077;
/** File modes mean nothing there. */
const MODES_APPLY = process.platform !== 'win32';

/**
 * Refuses (DataFolderInvalid, so `cutover local start` exits 2) a token file that other users
 * may read or write, or that is too short to be secret, saying how to fix it. No file is fine:
 * a new one is written.
 */
export function refuseUnsafeToken(dataDir: string): void {
  const path = join(dataDir, TOKEN_FILE);
  if (!existsSync(path)) return;
  const fix = `delete ${path} and start again for a new one (the CLI reads the new one)`;
  const mode = statSync(path).mode & 0o777;
  if (MODES_APPLY && (mode & SHARED) !== 0) {
    throw new DataFolderInvalid(
      `${path} is open to other users (mode ${octal(mode)}), and whoever reads the token can deploy, ` +
        `promote and roll back: make it private with chmod 600 ${path}, or, if others may have read it, ${fix}`,
    );
  }
  const length = readFileSync(path, 'utf8').trim().length;
  if (length < MIN_TOKEN_LENGTH) {
    throw new DataFolderInvalid(
      `${path} holds a token of ${length} characters, too short to be secret (at least ` +
        `${MIN_TOKEN_LENGTH} are needed): ${fix}, or write one of at least ${MIN_TOKEN_LENGTH} random characters`,
    );
  }
}

/**
 * Makes everything under `folder` its owner's alone: folders 0700, files 0600. Returns the paths
 * whose mode it changed. Symbolic links are left as they are, and what vanishes mid-walk (LevelDB
 * removes files as it compacts) is passed over. An absent folder is left absent.
 */
export function makePrivate(folder: string): string[] {
  if (!MODES_APPLY) return [];
  const changed: string[] = [];
  const visit = (path: string) => {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat === undefined || stat.isSymbolicLink()) return;
    const wanted = stat.isDirectory() ? PRIVATE_FOLDER : PRIVATE_FILE;
    // Open to group or others, or not usable by its owner: set to exactly the private mode.
    if ((stat.mode & SHARED) !== 0 || (stat.mode & wanted) !== wanted) {
      if (!ignoringVanished(() => chmodSync(path, wanted))) return;
      changed.push(path);
    }
    if (!stat.isDirectory()) return;
    let entries: string[] = [];
    ignoringVanished(() => {
      entries = readdirSync(path);
    });
    for (const entry of entries) visit(join(path, entry));
  };
  visit(folder);
  return changed;
}

/** At start: the folder made private, and a line in the log if anything in it was not. */
export function makeDataFolderPrivate(dataDir: string, log?: (line: string) => void): void {
  mkdirSync(dataDir, { recursive: true, mode: PRIVATE_FOLDER });
  const changed = makePrivate(dataDir);
  if (changed.length === 0) return;
  log?.(
    `data folder: made ${changed.length} file(s) and folder(s) in ${dataDir} private to their owner ` +
      '(files 0600, folders 0700): other users could read them before',
  );
}

/** Runs `action`; false if the file it touched was gone (ENOENT), any other error thrown. */
function ignoringVanished(action: () => void): boolean {
  try {
    action();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
