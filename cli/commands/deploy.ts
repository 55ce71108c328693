// `cutover deploy <service> --image <repo@sha256:…>`: starts a deployment through the API
// (POST /deployments); with --wait, follows it as `status --watch` does until it ends.

import { onePositional, parseCommandLine, STRATEGY_OPTIONS, STRATEGY_OPTIONS_HELP } from '../args.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { printJson, type Output } from '../output.js';
import { clientFrom, CONNECTION_HELP, CONNECTION_OPTIONS, reportingApiFailures } from '../api-client.js';
import { exitCodeOf, follow, pollInterval, stepsThatFit, watchMode } from '../follow.js';
import { shortImage } from '../../shared/domain/image-words.js';
import { formatDuration } from '../../shared/domain/step-words.js';
import type { DeploymentPlan } from '../../shared/domain/plan.js';
import { DeploymentRequestInvalid } from '../../shared/domain/errors.js';
import { isPresetName, unknownPreset } from '../../shared/domain/schedule.js';

const help = `Usage: cutover deploy <service> --image <repository@sha256:digest> [options]

Start a deployment of <service>: a new release of the image, pinned by its digest, brought
to production traffic by the service's strategy. Prints the deployment id and its plan.

Options:
  --image IMAGE       the image, pinned by digest: <registry>/<repository>@sha256:<64 hex>
                      (a mutable tag such as :v2 is refused)
${STRATEGY_OPTIONS_HELP}
  --reason TEXT       why, recorded with the deployment
  --override-alarms WHY
                      deploy although a watched alarm is in ALARM (a fix-forward),
                      with WHY recorded in the ledger. Without it a new image is refused
                      while an alarm fires; an image promoted before (a rollback) never is
  --wait              follow the deployment until it ends, as status --watch does;
                      exit 0 if promoted, 1 if rolled back, aborted or refused

${CONNECTION_HELP}

Examples:
  cutover deploy web --image 000000000000.dkr.ecr.us-east-1.amazonaws.com/web@sha256:7f5b…
  cutover deploy web --image "$IMAGE" --preset Canary10Percent5Minutes --reason "hotfix" --wait
  cutover deploy worker --image "$IMAGE" --strategy rolling --batch-percent 50 --json
  cutover deploy web --image "$FIX" --override-alarms "fixes the 5xx in v4" --wait`;

interface Started {
  deploymentId: string;
  service: string;
  image: string;
  strategy: string;
  status: string;
  plan: DeploymentPlan;
}

export const deployCommand: Command = {
  name: 'deploy',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      image: { type: 'string' },
      ...STRATEGY_OPTIONS,
      reason: { type: 'string' },
      'override-alarms': { type: 'string' },
      wait: { type: 'boolean' },
    });
    const service = onePositional(positionals, 'deploy', 'service name', help);
    if (values.image === undefined)
      throw new UsageError('deploy needs --image <repository@sha256:digest>', help);
    // Said here, before any call: the API would refuse it the same way.
    if (values.preset !== undefined && !isPresetName(values.preset))
      throw new DeploymentRequestInvalid([{ path: 'preset', message: unknownPreset(values.preset) }]);
    const client = clientFrom(values);
    const started = await client.post<Started>('/deployments', {
      service,
      image: values.image,
      ...(values.strategy === undefined ? {} : { strategy: values.strategy }),
      ...(values.preset === undefined ? {} : { preset: values.preset }),
      ...(values['batch-percent'] === undefined
        ? {}
        : { batchPercent: batchPercent(values['batch-percent']) }),
      ...(values.reason === undefined ? {} : { reason: values.reason }),
      ...(values['override-alarms'] === undefined
        ? {}
        : { overrideAlarms: { reason: overrideReason(values['override-alarms']) } }),
    });
    if (!values.wait) {
      if (output.json) printJson(output, started);
      else {
        printStarted(output, started);
        output.out(`Follow it: cutover status ${started.deploymentId} --watch`);
      }
      return 0;
    }
    if (!output.json) printStarted(output, started);
    const mode = watchMode(output);
    const last = await follow(client, started.deploymentId, output, {
      // With --json, print only the deployment as it ended: one JSON document.
      mode: mode === 'json' ? 'quiet' : mode,
      intervalMs: pollInterval(),
      maxSteps: stepsThatFit(),
    });
    if (output.json) printJson(output, last);
    return exitCodeOf(last);
  }),
};

function printStarted(output: Output, started: Started): void {
  const { plan } = started;
  const source = plan.scheduleSource === plan.strategy ? '' : ` (${plan.scheduleSource})`;
  output.out(`Started ${started.deploymentId}: ${started.service} → ${shortImage(started.image)}`);
  output.out(
    `Plan: ${plan.strategy}${source}, ${plan.steps.length} steps, at least ${formatDuration(plan.minimumSeconds)}`,
  );
}

function batchPercent(text: string): number {
  if (!/^\d+$/.test(text))
    throw new UsageError(`--batch-percent must be a whole number from 1 to 100, not ${text}`, help);
  return Number(text);
}

function overrideReason(text: string): string {
  if (text.trim() === '')
    throw new UsageError('--override-alarms needs a reason: why deploy while the alarms fire', help);
  return text;
}
