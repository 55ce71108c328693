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

export const STATE_VERSION = 1;

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
  writeDurably(path, JSON.stringify(state));
  // LevelDB makes its files with the umask's mode; a handful of files, checked in microseconds.
  makePrivate(join(dataDir, 'dynamodb'));
}

/**
 * Writes a state already turned into text (so later changes do not reach it), with the metric
 * journal's lengths that go with it, off the endpoints' thread; dropped if `stillWanted` says
 * no once it is on disk (a newer state was saved meanwhile). Resolves to whether it was saved.
 */
export async function writeStateInBackground(
  dataDir: string,
  text: string,
  metricJournal: JournalLengths,
  stillWanted: () => boolean,
): Promise<boolean> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const whole = `${text.slice(0, -1)},"metricJournal":${JSON.stringify(metricJournal)}}`;
  const saved = await writeDurablyInBackground(statePath(dataDir), whole, stillWanted);
  if (saved) makePrivate(join(dataDir, 'dynamodb'));
  return saved;
}
