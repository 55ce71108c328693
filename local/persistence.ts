// The data folder's state file: everything the local cloud keeps outside DynamoDB
// (dynalite persists its own tables), written atomically and synced, so a crash or a power
// cut mid-write leaves the previous state intact; and readable by its owner alone (0600), as
// are the files dynalite has made since the last save (data-folder-access.ts).

import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePrivate } from './data-folder-access.js';
import type { JournalLengths } from './aws/metric-journal.js';
import { DataFolderInvalid } from './errors.js';
import { writeDurably, writeDurablyInBackground } from './durable-file.js';
import { chunks, objectText } from './json-pieces.js';

export const STATE_VERSION = 1;

/**
 * state.json's content. Saved, a part may be a JsonText (json-pieces.ts): text made at the
 * snapshot, or made as it is written from values no later change reaches; read, all is plain.
 */
export interface SavedState {
  version: typeof STATE_VERSION;
  /** Simulated time when saved: the clock resumes from here. */
  simTime: number;
  region: string;
  account: string;
  ecs: unknown;
  elb: unknown;
  cloudwatch: unknown;
  events: unknown;
  ecr: unknown;
  executions: unknown;
  /** The local Scheduler's groups and schedules; absent in a folder saved before it existed. */
  scheduler?: unknown;
  /**
   * The metric data files (metrics/) and the bytes of each that go with this state; absent in a
   * folder saved before metric data was kept apart, whose `cloudwatch` holds the metric data.
   */
  metricJournal?: JournalLengths;
}

export function statePath(dataDir: string): string {
  return join(dataDir, 'state.json');
}

export function loadState(dataDir: string): SavedState | null {
  const path = statePath(dataDir);
  if (!existsSync(path)) return null;
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataFolderInvalid(
      `${path} cannot be read as the local cloud's state (${(error as Error).message}): restore it ` +
        'from the same backup as the dynamodb folder beside it, or move the data folder away to start afresh',
      { cause: error },
    );
  }
  if (typeof state !== 'object' || state === null || !('version' in state)) {
    throw new DataFolderInvalid(
      `${path} is not the local cloud's state (it has no version): restore it from the same backup ` +
        'as the dynamodb folder beside it, or move the data folder away to start afresh',
    );
  }
  if (state.version !== STATE_VERSION) {
    throw new DataFolderInvalid(
      `${path} was written by another version of the local cloud; move the data folder away to start afresh`,
    );
  }
  return state as SavedState;
}

export function saveState(dataDir: string, state: SavedState): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = statePath(dataDir);
  // After a power cut the file is the previous state or this one, never an empty or partial one.
  writeDurably(path, stateChunks(state));
  // LevelDB makes its files with the umask's mode; a handful of files, checked in microseconds.
  makePrivate(join(dataDir, 'dynamodb'));
}

/**
 * state.json's text, in chunks of about 64K characters, with the metric journal's lengths that
 * go with it (`state`'s members as `membersText` makes them, so later changes do not reach it).
 */
export function stateChunks(state: object, metricJournal?: JournalLengths): Iterable<string> {
  const whole = metricJournal === undefined ? state : { ...state, metricJournal };
  return chunks(objectText(whole).pieces());
}

/**
 * Writes state.json's text (`stateChunks`, made as it is written) off the endpoints' thread;
 * dropped if `stillWanted` says no before it is renamed into place (a newer state was saved
 * meanwhile). Resolves to whether it was saved.
 */
export async function writeStateInBackground(
  dataDir: string,
  text: Iterable<string>,
  stillWanted: () => boolean,
): Promise<boolean> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const saved = await writeDurablyInBackground(statePath(dataDir), text, stillWanted);
  if (saved) makePrivate(join(dataDir, 'dynamodb'));
  return saved;
}
