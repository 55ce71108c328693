// The data folder as a whole: its two halves, DynamoDB's tables in `dynamodb/` (written by
// dynalite, each write synced before it is answered) and everything else in `state.json`
// (local/persistence.ts). They are one snapshot of one local cloud, so a folder holding one
// without the other cannot be resumed: with tables but no state, start would seed the demo
// again over the ledger (release 1 again, the clock running backwards); with state but no
// tables, ECS and the load balancer would come back without the ledger and deployment records
// they go with. The ledger's records are signed with a key in `kms/` and anchored in a bucket
// in `s3/`: tables without the key cannot be resumed either, since a new key would leave every
// signed record unverifiable (ledger-folder.ts checks the anchors once dynalite is up). Start
// refuses such a folder, saying what is missing and how to recover; and a token file others
// could read, or too short to be secret (data-folder-access.ts). Once opened, the folder is its
// owner's alone. A first start writes a marker before it creates anything and removes it once
// its first state.json is saved: a folder still marked was cut off mid-creation (Ctrl-C, a
// kill, a crash) and holds nothing worth keeping, so the next start begins it afresh.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDataFolderPrivate, refuseUnsafeToken } from './data-folder-access.js';
import { DataFolderInvalid } from './errors.js';
import { loadState, statePath, type SavedState } from './persistence.js';

/** Where dynalite keeps the tables. */
export function dynamodbPath(dataDir: string): string {
  return join(dataDir, 'dynamodb');
}

const AFRESH = 'or move the data folder away to start afresh';

/** Present while a first start creates the folder's contents, until its first state.json. */
export const FIRST_START_MARKER = 'first-start-in-progress';

/** The parts a first start creates before its first state.json. */
const CREATED_FIRST = ['dynamodb', 'kms', 's3', 'metrics'];

/** The template's key that signs ledger records (serverless.yml `LedgerKey`). */
export const LEDGER_KEY = 'LedgerKey';

/**
 * The saved state to resume from, or null for a fresh folder (absent, or empty of both
 * halves); ready for dynalite. Throws DataFolderInvalid, before anything is written or
 * listens, for a folder that holds one half without the other or a state file it cannot read,
 * or an unsafe token file. Then makes the folder private (0700, its files 0600), logging it if
 * it was not.
 */
export function openDataFolder(dataDir: string, log?: (line: string) => void): SavedState | null {
  refuseUnsafeToken(dataDir);
  const tables = dynamodbPath(dataDir);
  const state = statePath(dataDir);
  const marker = join(dataDir, FIRST_START_MARKER);
  if (existsSync(marker)) {
    if (!existsSync(state)) {
      for (const part of CREATED_FIRST) rmSync(join(dataDir, part), { recursive: true, force: true });
      log?.('data folder: the first start here was cut off before it saved its state; starting afresh');
    }
    // Saved, then cut off before the marker went: the folder is whole, and resumes.
    firstStartDone(dataDir);
  }
  const hasTables = holdsFiles(tables);
  const hasState = existsSync(state);
  if (hasTables && !hasState) {
    throw new DataFolderInvalid(
      `${dataDir} holds DynamoDB tables (${tables}/) but no ${state}, so it cannot be resumed: ` +
        `starting would create the demo again over the tables' records. Restore ${state} from ` +
        `the same backup as the tables, ${AFRESH}.`,
    );
  }
  if (hasState && !hasTables) {
    throw new DataFolderInvalid(
      `${dataDir} holds ${state} but no DynamoDB tables (${tables}/ is missing or empty), so it ` +
        `cannot be resumed: the ledger and the deployment records would be gone. Restore ` +
        `${tables}/ from the same backup as ${state}, ${AFRESH}.`,
    );
  }
  if (hasTables) refuseWithoutLedgerKey(dataDir, tables);
  const saved = loadState(dataDir);
  mkdirSync(tables, { recursive: true, mode: 0o700 });
  if (saved === null) writeFileSync(marker, 'a first start is creating this folder\n', { mode: 0o600 });
  makeDataFolderPrivate(dataDir, log);
  return saved;
}

/** The first start's state is saved: the folder can be resumed from now on. */
export function firstStartDone(dataDir: string): void {
  rmSync(join(dataDir, FIRST_START_MARKER), { force: true });
}

/** Tables whose records were signed with a key that is no longer there cannot be resumed. */
function refuseWithoutLedgerKey(dataDir: string, tables: string): void {
  const kms = join(dataDir, 'kms');
  const missing = !existsSync(kms)
    ? `no KMS keys (${kms}/ is missing)`
    : !holdsKey(kms, LEDGER_KEY)
      ? `no file in ${kms}/ for the ledger's signing key ${LEDGER_KEY}`
      : null;
  if (missing === null) return;
  throw new DataFolderInvalid(
    `${dataDir} holds DynamoDB tables (${tables}/) but ${missing}, so it cannot be resumed: a new ` +
      `key would leave every signed ledger record unverifiable. Restore ${kms}/ from the same ` +
      `backup as the tables, ${AFRESH}.`,
  );
}

/** Whether `kms/` holds the key created for a template's logical id (aws/kms-keys.ts's files). */
function holdsKey(kms: string, logicalId: string): boolean {
  return readdirSync(kms).some((file) => {
    if (!/^[0-9a-f-]{36}\.json$/.test(file)) return false;
    try {
      return (
        (JSON.parse(readFileSync(join(kms, file), 'utf8')) as { logicalId?: unknown }).logicalId === logicalId
      );
    } catch {
      return false;
    }
  });
}

function holdsFiles(folder: string): boolean {
  return existsSync(folder) && statSync(folder).isDirectory() && readdirSync(folder).length > 0;
}
