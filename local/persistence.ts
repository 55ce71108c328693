// The data folder's state file: everything the local cloud keeps outside DynamoDB
// (dynalite persists its own tables), written atomically so a crash mid-write
// leaves the previous state intact.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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
}

export function statePath(dataDir: string): string {
  return join(dataDir, 'state.json');
}

export function loadState(dataDir: string): SavedState | null {
  const path = statePath(dataDir);
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as SavedState;
  if (state.version !== STATE_VERSION) {
    throw new Error(
      `${path} was written by another version of the local cloud; move the data folder away to start afresh`,
    );
  }
  return state;
}

export function saveState(dataDir: string, state: SavedState): void {
  mkdirSync(dataDir, { recursive: true });
  const path = statePath(dataDir);
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}
