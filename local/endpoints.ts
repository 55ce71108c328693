// Where a local cloud listens, kept in its data folder so that one setting finds it. `cutover
// local start` writes its AWS endpoint and HTTP API URLs to `<data folder>/endpoints.json`
// (0600, as every file there) once both listen; every CLI command reads them from the data
// folder it is given (--data, else $CUTOVER_DATA, else .cutover), so a local cloud on other
// ports, or in another folder, needs that one setting and no other. Also here: the default
// ports and folder, and the ports browsers refuse to open (the dashboard is on the API's port).
// Beside the URLs, the local cloud's clock: its speed and one instant read on both clocks, from
// which `cutover local time` tells the simulated now without asking the local cloud. The clock
// slows when the machine cannot keep up (clock-governor.ts), and the file is written again at
// each change of speed, with the speed asked for beside the one it runs at.

import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_DATA_DIR = '.cutover';
export const DEFAULT_AWS_PORT = 4566;
export const DEFAULT_API_PORT = 4600;
export const DEFAULT_AWS_ENDPOINT = `http://127.0.0.1:${DEFAULT_AWS_PORT}`;
export const DEFAULT_API_ENDPOINT = `http://127.0.0.1:${DEFAULT_API_PORT}`;

/** The file in the data folder that says where its local cloud listens. */
export const ENDPOINTS_FILE = 'endpoints.json';

export interface LocalEndpoints {
  /** The local AWS endpoint, e.g. http://127.0.0.1:4566. */
  aws: string;
  /** The HTTP API and the dashboard, e.g. http://127.0.0.1:4600. */
  api: string;
}

/** The local cloud's clock: simulated time `simulatedMs` was real time `realMs`, and runs `speed`× faster. */
export interface ClockAnchor {
  speed: number;
  simulatedMs: number;
  realMs: number;
  /** The speed asked for (`--speed`); `speed` is lower while the machine cannot keep up. */
  requestedSpeed?: number;
}

/** The simulated time at real time `realMs`, from the anchor. */
export function simulatedAt(clock: ClockAnchor, realMs: number): number {
  return clock.simulatedMs + (realMs - clock.realMs) * clock.speed;
}

/** The data folder the CLI uses: --data, else $CUTOVER_DATA, else .cutover. */
export function dataDirFrom(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env.CUTOVER_DATA || DEFAULT_DATA_DIR);
}

/**
 * Writes `<dataDir>/endpoints.json`, private to its owner (an older file is tightened too). It is
 * written whole and renamed into place: a command reading it as the clock changes speed reads
 * the old file or the new one, never half of one.
 */
export function writeEndpoints(dataDir: string, endpoints: LocalEndpoints & { clock?: ClockAnchor }): void {
  const path = join(dataDir, ENDPOINTS_FILE);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(endpoints, null, 2)}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/**
 * The endpoints a local cloud wrote to `dataDir`, or null when there is no such file (no local
 * cloud has started there yet) or it is not one this module wrote.
 */
export function readEndpoints(dataDir: string): LocalEndpoints | null {
  const { aws, api } = (readFile(dataDir) ?? {}) as { aws?: unknown; api?: unknown };
  return typeof aws === 'string' && typeof api === 'string' ? { aws, api } : null;
}

/** The clock the local cloud in `dataDir` wrote, or null when there is none (or it is not one). */
export function readClock(dataDir: string): ClockAnchor | null {
  const clock = (readFile(dataDir) as { clock?: Partial<ClockAnchor> } | null)?.clock;
  const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
  if (!clock || !finite(clock.speed) || !finite(clock.simulatedMs) || !finite(clock.realMs)) return null;
  if (!(clock.speed > 0)) return null;
  const anchor: ClockAnchor = { speed: clock.speed, simulatedMs: clock.simulatedMs, realMs: clock.realMs };
  if (finite(clock.requestedSpeed) && clock.requestedSpeed >= clock.speed)
    anchor.requestedSpeed = clock.requestedSpeed;
  return anchor;
}

/** The file's JSON, or null when it cannot be read or parsed. */
function readFile(dataDir: string): unknown {
  try {
    return JSON.parse(readFileSync(join(dataDir, ENDPOINTS_FILE), 'utf8')) as unknown;
  } catch {
    return null;
  }
}

/**
 * The ports the Fetch standard calls "bad ports" (https://fetch.spec.whatwg.org/#port-blocking):
 * browsers refuse to open them, and so does Node's fetch (undici: "bad port"). The CLI calls
 * the local cloud with node:http, which has no such list; the dashboard, in a browser, cannot.
 */
export const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104,
  109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515,
  526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049,
  3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);
