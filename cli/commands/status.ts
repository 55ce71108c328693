// `cutover status <service|deployment-id> [--watch]`: where a deployment is (its steps, the
// production weights, the task sets, the alarms, the bake), or what a service runs.
// `--watch` follows a deployment until it ends, redrawing in place on a terminal and
// printing one block per change when piped. `deploy --wait` follows the same way.
// Rendering is in ../render/, following in ../follow.ts (deploy --wait shares both); the
// watch of a service is status's own, in ./status/.

import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import { ApiFailure } from '../errors.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  type ApiClient,
} from '../api-client.js';
import {
  exitCodeOf,
  follow,
  getDeployment,
  isEnded,
  pollInterval,
  stepsThatFit,
  watchMode,
} from '../follow.js';
import { renderDeployment } from '../render/deployment.js';
import { printService } from '../render/service.js';
import { getService, watchService } from './status/watch-service.js';
import type { AnyDeploymentView, ServiceView } from '../../shared/api/views.js';

/** How long `status <service> --watch` waits for a deployment to appear, by default. */
const START_WAIT_MS = 10_000;

const help = `Usage: cutover status <service|deployment-id> [--watch] [options]

Show a deployment: a progress line (step n/N and the time elapsed, on the API's clock), its
steps done (✓), current (▶), to come (·), failed (✗, with the reason) and skipped (–), the
production weights, the task counts of the stable and new task sets (desired, running,
healthy), the alarms, the time left in the bake or to approve, and a push that waits for
it (queued). Given a service, show the deployment in progress, or else the live release.

Options:
  --watch             follow the deployment until it ends: redraw in place on a terminal,
                      one block per change when piped (with --json: one JSON line per change).
                      Given a service with no deployment in progress (a push's event reaches
                      Cutover a moment later), wait up to 10s for one to start
                      ($CUTOVER_WATCH_START_MS sets the bound in ms); if none does, show the
                      newest deployment if it ended within that bound, else the service.
                      A push that waits for the deployment followed is followed in its turn.
                      Polls every second ($CUTOVER_POLL_MS sets the interval in ms)

${CONNECTION_HELP}

Exit codes: 0 running or promoted (a service: 0), 1 rolled back, aborted or refused,
2 bad usage or unknown service or deployment.

Examples:
  cutover status web
  cutover local push web:v2 && cutover status web --watch
  cutover status web-7f5b2640fe6f-1764238400-a1b2c3 --json`;

export const statusCommand: Command = {
  name: 'status',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      watch: { type: 'boolean' },
    });
    const name = onePositional(positionals, 'status', 'service name or deployment id', help);
    const client = clientFrom(values);
    const target = await lookUp(client, name, values.watch === true);
    const watching = { mode: watchMode(output), intervalMs: pollInterval(), maxSteps: stepsThatFit() };
    if ('service' in target) {
      if (values.watch)
        return watchService(client, target.service, output, { ...watching, startWaitMs: startWait() });
      if (output.json) printJson(output, target.service);
      else printService(output, target.service);
      return 0;
    }
    if (values.watch) {
      const view = await follow(client, target.deployment.deploymentId, output, {
        ...watching,
        first: target.deployment,
      });
      return exitCodeOf(view);
    }
    if (output.json) printJson(output, target.deployment);
    else renderDeployment(target.deployment).forEach((line) => output.out(line));
    return isEnded(target.deployment) ? exitCodeOf(target.deployment) : 0;
  }),
};

/**
 * A catalog name is a service; anything else a deployment id. A service with a deployment in
 * progress shows that deployment (unless watched: the watch follows it from the service).
 */
async function lookUp(
  client: ApiClient,
  name: string,
  watch: boolean,
): Promise<{ service: ServiceView } | { deployment: AnyDeploymentView }> {
  let service: ServiceView;
  try {
    service = await getService(client, name);
  } catch (error) {
    if (!(error instanceof ApiFailure) || error.extra.status !== 404) throw error;
    try {
      return { deployment: await getDeployment(client, name) };
    } catch (notDeployment) {
      if (!(notDeployment instanceof ApiFailure) || notDeployment.extra.status !== 404) throw notDeployment;
      throw new ApiFailure('NotFound', `no deployment ${name}, and ${error.message}`, error.exitCode, {
        status: 404,
      });
    }
  }
  if (service.deployment === null || watch) return { service };
  return { deployment: await getDeployment(client, service.deployment.deploymentId) };
}

/** $CUTOVER_WATCH_START_MS, else ten seconds. */
function startWait(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CUTOVER_WATCH_START_MS ?? START_WAIT_MS);
  return Number.isFinite(value) && value >= 0 ? value : START_WAIT_MS;
}
