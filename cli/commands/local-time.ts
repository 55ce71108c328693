// `cutover local time`: the local cloud's simulated now, which runs ahead of the wall clock
// (60× by default, and it resumes where it stopped after a restart). Told from the clock the
// running local cloud wrote to its data folder's endpoints.json, once it is known to answer.

import { noPositionals, parseCommandLine } from '../args.js';
import { NoLocalCloud, UsageError } from '../errors.js';
import { printJson, type Output } from '../output.js';
import { send } from '../http-request.js';
import { dataDirFrom, ENDPOINTS_FILE, readClock, readEndpoints, simulatedAt } from '../../local/endpoints.js';

export const TIME_HELP = `  cutover local time [--ago DURATION] [--data DIR] [--json]
      Print the local cloud's simulated now, as one ISO 8601 line: the time its metrics,
      alarms, ledger and dashboard are stamped with, ahead of the wall clock. Read from
      the clock the running local cloud wrote to ${ENDPOINTS_FILE} in its data folder.
        --ago D       that much earlier in simulated time: a number and s, m, h or d (30m, 2h)
        --data DIR    the local cloud's data folder (default: $CUTOVER_DATA, else .cutover)
        --json        print {simulated, real, speed}: the simulated time, the real time it
                      was read at, and simulated seconds per real second
      Exits 1 when no local cloud answers for that data folder.`;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m` → 1,800,000 ms; a UsageError for anything else. */
export function durationMs(text: string, help: string): number {
  const match = /^(\d+(?:\.\d+)?)([smhd])$/.exec(text.trim());
  if (match === null)
    throw new UsageError(
      `--ago takes a number and a unit (s, m, h or d), such as 30m or 2h, not "${text}"`,
      help,
    );
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

export async function localTime(args: string[], output: Output, help: string): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ago: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  });
  noPositionals(positionals, 'local time', help);
  const ago = values.ago === undefined ? 0 : durationMs(values.ago, help);
  const dataDir = dataDirFrom(values.data);
  const endpoints = readEndpoints(dataDir);
  const clock = readClock(dataDir);
  const start = `start one with npm start (or cutover local start --data ${dataDir})`;
  if (endpoints === null || clock === null)
    throw new NoLocalCloud(
      `no local cloud has started in ${dataDir}/ (its ${ENDPOINTS_FILE} has no clock); ${start}`,
    );
  if (!(await answers(endpoints.api)) && !(await answers(endpoints.aws)))
    throw new NoLocalCloud(
      `the local cloud of ${dataDir}/ does not answer at ${endpoints.api}: it has stopped; ${start}`,
    );
  const real = Date.now();
  const simulated = new Date(simulatedAt(clock, real) - ago).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (output.json) printJson(output, { simulated, real: new Date(real).toISOString(), speed: clock.speed });
  else output.out(simulated);
  return 0;
}

/** Whether anything answers HTTP at `url` (whatever the status). */
async function answers(url: string): Promise<boolean> {
  try {
    await send({ url, method: 'GET', timeoutMs: 2_000 });
    return true;
  } catch {
    return false;
  }
}
