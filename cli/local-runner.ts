// Runs the local cloud in this process until Ctrl-C, printing where everything is
// and what to try, then a line for each push, deployment end and alarm change. Once it
// listens, it writes its URLs and its clock to the data folder's endpoints.json, where the CLI finds them;
// the commands it suggests name the data folder when it is not the default one.
// Ctrl-C (or SIGTERM) stops it within seconds, state saved; a second one at once.

import { LocalCloud, type LocalCloudOptions } from '../local/cloud.js';
import { DEFAULT_DATA_DIR, ENDPOINTS_FILE, writeEndpoints } from '../local/endpoints.js';
import type { Output } from './output.js';

export async function runLocalCloud(
  options: Omit<LocalCloudOptions, 'log'>,
  output: Output,
): Promise<number> {
  const stamp = () => new Date().toISOString().slice(11, 19);
  // Each change of the clock's speed is logged by the local cloud, and written here for the CLI.
  const started: { cloud?: LocalCloud } = {};
  const cloud = await LocalCloud.start({
    ...options,
    log: (line) => output.out(`${stamp()} ${line}`),
    onSpeedChange: () => {
      if (started.cloud === undefined) return;
      try {
        writeEndpoints(options.dataDir, endpointsOf(started.cloud));
      } catch (error) {
        output.err(
          `could not write ${ENDPOINTS_FILE} after the clock's speed changed: ${(error as Error).message}`,
        );
      }
    },
  });
  started.cloud = cloud;
  try {
    writeEndpoints(options.dataDir, endpointsOf(cloud));
  } catch (error) {
    await cloud.stop();
    throw error;
  }
  // What finds this local cloud: nothing with the default folder, else the folder.
  const data = options.dataDir === DEFAULT_DATA_DIR ? '' : ` --data ${shellWord(options.dataDir)}`;
  const services = Object.entries(options.catalog.services)
    .map(
      ([name, e]) =>
        `${name} (${e.strategy}${e.preset ? `, ${e.preset}` : ''}${e.approval.required ? ', approval' : ''})`,
    )
    .join(', ');
  const first = Object.entries(options.catalog.services)[0];
  const repo = first?.[1].images.repositories[0] ?? 'web';
  const pace = options.fixedSpeed
    ? `${options.speed}× real time (fixed)`
    : `${options.speed}× real time (slower while the machine cannot keep up; the log says so)`;
  output.out(`Cutover's local cloud is running: ${pace}, state kept in ${options.dataDir}/

  dashboard      ${cloud.apiEndpoint}/   (open it in a browser)
  HTTP API       ${cloud.apiEndpoint}   (bearer token in ${options.dataDir}/token; the CLI reads it,
                 and both URLs from ${options.dataDir}/${ENDPOINTS_FILE})
  AWS endpoint   ${cloud.endpoint}   (export AWS_ENDPOINT_URL=${cloud.endpoint} for the AWS CLI and SDKs)
  load balancer  ${cloud.loadBalancerEndpoint}   (/rules/<listener rule ARN, URL-encoded>/<path> reaches its tasks)
  services       ${services}

Try:
  npx cutover local push ${repo}:v2 --profile healthy${data}   # rolls out, then promotes
  npx cutover local push ${repo}:v3 --profile faulty${data}    # the 5xx alarm rolls it back
  npx cutover status ${first?.[0] ?? 'web'} --watch${data}   # follow its deployment
  aws --endpoint-url ${cloud.endpoint} elbv2 describe-rules --rule-arns ${first?.[1].traffic.productionListenerRule ?? ''}

Ctrl-C stops it; nothing is lost.`);
  for (const [name, url] of [
    ['CUTOVER_ENDPOINT', cloud.apiEndpoint],
    ['CUTOVER_LOCAL_ENDPOINT', cloud.endpoint],
  ] as const) {
    const set = process.env[name];
    if (set && new URL(set, 'http://invalid').origin !== url)
      output.err(
        `note: ${name}=${set} in this shell sends the CLI there, not here: unset it to reach this local cloud`,
      );
  }
  const signals = new Signals(() => {
    // The state was saved the moment stopping began (LocalCloud.stop saves before it awaits).
    output.err(`stopped at once; state saved in ${options.dataDir}/ when stopping began`);
    process.exit(130);
  });
  await signals.first;
  output.out('stopping…');
  await cloud.stop();
  signals.dispose();
  output.out(`stopped; state saved in ${options.dataDir}/`);
  exitIfStillAlive(output);
  return 0;
}

/**
 * What endpoints.json says of a running local cloud: its URLs, and one instant read on both its
 * clocks with the speed it runs at from then, from which `cutover local time` tells the simulated
 * now (a restart resumes simulated time where it stopped, so each start writes its own, and so
 * does each change of speed), and the speed asked for.
 */
export function endpointsOf(cloud: Pick<LocalCloud, 'endpoint' | 'apiEndpoint' | 'clock'>) {
  const clock = { ...cloud.clock.anchor(), requestedSpeed: cloud.clock.speed };
  return { aws: cloud.endpoint, api: cloud.apiEndpoint, clock };
}

/** The folder as one shell word: quoted when it holds anything but safe characters. */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The first SIGINT or SIGTERM stops the local cloud cleanly; a second one ends it at once. */
class Signals {
  readonly first: Promise<void>;
  private count = 0;
  private readonly listener: () => void;

  constructor(onSecond: () => void) {
    let resolve!: () => void;
    this.first = new Promise<void>((r) => (resolve = r));
    this.listener = () => {
      this.count += 1;
      if (this.count === 1) resolve();
      else onSecond();
    };
    process.on('SIGINT', this.listener);
    process.on('SIGTERM', this.listener);
  }

  dispose(): void {
    process.off('SIGINT', this.listener);
    process.off('SIGTERM', this.listener);
  }
}

/**
 * The last resort, after the state is saved and everything the local cloud opened is closed:
 * if code it does not own (a handler's SDK call, a library's timer) still holds the event loop
 * a second later, say what it is and exit rather than leave the user waiting. Unreferenced, so
 * it never keeps the process alive itself; the stop tests check it is not needed.
 */
function exitIfStillAlive(output: Output): void {
  setTimeout(() => {
    const holding = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    output.err(`still running a second after stopping (${holding.join(', ')}); exiting anyway`);
    process.exit(0);
  }, 1000).unref();
}
