// `cutover local start`: checks its options and the catalog before anything is created, then
// runs the local cloud in this process (cli/local-runner.ts) until Ctrl-C.

import { noPositionals, parseCommandLine } from '../args.js';
import { UsageError } from '../errors.js';
import { DEMO_CATALOG, loadCatalogFile } from '../catalog-file.js';
import type { Output } from '../output.js';
import { DEFAULT_KEEP_EXECUTIONS, isKeepExecutions } from '../../local/stepfunctions/retention.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_AWS_PORT,
  DEFAULT_DATA_DIR,
  dataDirFrom,
  ENDPOINTS_FILE,
  FETCH_BLOCKED_PORTS,
} from '../../local/endpoints.js';

export const START_HELP = `  cutover local start [--speed N] [--fixed-speed] [--data DIR] [--catalog FILE] [--port P]
                      [--api-port P] [--rps N] [--faults RATE] [--keep-executions N]
      Run Cutover on this machine with no AWS account: a local AWS endpoint, the
      state machines and handlers, and a simulated world (tasks, traffic, metrics,
      alarms) on a clock running N times faster than real time.
        --speed N     simulated seconds per real second (default 60); when the machine cannot
                      keep up, the clock runs slower (down to 1×) and the log says so, then
                      speeds back up once it has caught up
        --fixed-speed keep the clock at --speed however far the machine falls behind
        --data DIR    where everything is kept across restarts (default: $CUTOVER_DATA,
                      else ${DEFAULT_DATA_DIR}); start writes its URLs and its clock to ${ENDPOINTS_FILE}
                      there, so every command finds this local cloud from --data (or $CUTOVER_DATA) alone
        --catalog F   the catalog (default: the demo catalog, local/demo-catalog.yml)
        --port P      the AWS endpoint's port (default ${DEFAULT_AWS_PORT}; 0 picks a free one)
        --api-port P  the HTTP API's and the dashboard's port (default ${DEFAULT_API_PORT}; 0 picks a free
                      one; not one of the ports browsers refuse, such as 6566)
        --rps N       simulated requests per second per service (default 20)
        --faults RATE make this share (0 to 1) of AWS requests fail as AWS sometimes does:
                      throttled, a 500, or a slow answer (default 0; see docs/local-cloud.md)
        --keep-executions N  finished executions kept per state machine, with their
                      histories, in state.json (default ${DEFAULT_KEEP_EXECUTIONS}); older ones are forgotten`;

export async function localStart(args: string[], output: Output, help: string): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    speed: { type: 'string', default: '60' },
    'fixed-speed': { type: 'boolean', default: false },
    data: { type: 'string' },
    catalog: { type: 'string', default: DEMO_CATALOG },
    port: { type: 'string', default: String(DEFAULT_AWS_PORT) },
    'api-port': { type: 'string', default: String(DEFAULT_API_PORT) },
    rps: { type: 'string', default: '20' },
    faults: { type: 'string', default: '0' },
    'keep-executions': { type: 'string', default: String(DEFAULT_KEEP_EXECUTIONS) },
    json: { type: 'boolean' },
  });
  noPositionals(positionals, 'local start', help);
  const speed = positiveNumber(values.speed, '--speed', help);
  const port = portNumber(values.port, '--port', help);
  const apiPort = portNumber(values['api-port'], '--api-port', help);
  if (FETCH_BLOCKED_PORTS.has(apiPort))
    throw new UsageError(
      `--api-port ${apiPort} is a port browsers refuse to open (a "bad port" in the Fetch standard), ` +
        'so the dashboard could not be opened there: choose another, such as the default ' +
        `${DEFAULT_API_PORT}, or 0 for a free one`,
      help,
    );
  const rps = positiveNumber(values.rps, '--rps', help);
  const faultRate = Number(values.faults);
  if (!(faultRate >= 0 && faultRate <= 1))
    throw new UsageError(`--faults must be a number from 0 to 1, not ${values.faults}`, help);
  const keepExecutions = Number(values['keep-executions']);
  if (!isKeepExecutions(keepExecutions))
    throw new UsageError(
      `--keep-executions must be a whole number of at least 1, not ${values['keep-executions']}`,
      help,
    );
  // Validate the catalog before anything is created: a bad one writes nothing.
  const catalog = loadCatalogFile(values.catalog);
  const { runLocalCloud } = await import('../local-runner.js');
  return runLocalCloud(
    {
      catalog,
      catalogPath: values.catalog,
      dataDir: dataDirFrom(values.data),
      speed,
      fixedSpeed: values['fixed-speed'],
      port,
      apiPort,
      requestsPerSecond: rps,
      keepExecutions,
      ...(faultRate > 0 ? { faults: { rate: faultRate } } : {}),
    },
    output,
  );
}

/** A TCP port, 0 to 65535 (0: one the system picks). */
function portNumber(text: string, flag: string, help: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535 || text.trim() === '')
    throw new UsageError(
      `${flag} must be a port number from 0 to 65535 (0 picks a free one), not ${text}`,
      help,
    );
  return value;
}

function positiveNumber(text: string, flag: string, help: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, not ${text}`, help);
  return value;
}
