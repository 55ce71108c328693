// `cutover plan <service>`: the schedule and steps a deployment would take. Changes nothing.

import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { catalogPath, loadCatalogFile } from '../catalog-file.js';
import { formatDuration, printJson, type Output } from '../output.js';
import { getService } from '../../shared/domain/catalog.js';
import { DeploymentRequestInvalid } from '../../shared/domain/errors.js';
import { planDeployment, type DeploymentPlan, type PlanStep } from '../../shared/domain/plan.js';

const help = `Usage: cutover plan <service> [options]

Print the steps a deployment of <service> would take: checks, hooks, approval,
each traffic shift and bake, promote and clean-up. Nothing is changed.

Options:
  --strategy S        blue-green | canary | linear | all-at-once | rolling
                      (default: the service's strategy in the catalog; another must
                      keep every gate the catalog requires: see docs/catalog.md#gates)
  --preset P          AllAtOnce | Canary10Percent5Minutes | Canary10Percent15Minutes |
                      Linear10PercentEvery1Minutes | Linear10PercentEvery3Minutes
  --batch-percent N   rolling only: the share of tasks replaced per batch (1-100)
  --catalog FILE      the catalog (default: $CUTOVER_CATALOG, else ./catalog.yml)
  --json              print the plan as JSON

Examples:
  cutover plan web --catalog examples/catalog.yml
  cutover plan web --preset Canary10Percent5Minutes --catalog examples/catalog.yml
  cutover plan worker --strategy rolling --batch-percent 50 --json`;

export const planCommand: Command = {
  name: 'plan',
  summary: 'show the steps a deployment would take, changing nothing',
  help,
  run(args, output) {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        strategy: { type: 'string' },
        preset: { type: 'string' },
        'batch-percent': { type: 'string' },
        catalog: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (positionals.length !== 1) throw new UsageError('plan takes exactly one service name', help);
    const service = positionals[0]!;
    const catalog = loadCatalogFile(catalogPath(values.catalog));
    const entry = getService(catalog, service);
    if (entry === undefined) {
      const known = Object.keys(catalog.services).join(', ');
      throw new DeploymentRequestInvalid([
        { path: 'service', message: `no service "${service}" in the catalog; it has: ${known}` },
      ]);
    }
    const plan = planDeployment(service, entry, {
      strategy: values.strategy,
      preset: values.preset,
      batchPercent: parseBatch(values['batch-percent']),
    });
    if (output.json) printJson(output, plan);
    else printPlan(output, plan);
    return Promise.resolve(0);
  },
};

function parseBatch(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new DeploymentRequestInvalid([
      { path: 'batchPercent', message: 'must be a whole number from 1 to 100' },
    ]);
  }
  return Number(text);
}

function printPlan(output: Output, plan: DeploymentPlan): void {
  const source = plan.scheduleSource === plan.strategy ? '' : ` (${plan.scheduleSource})`;
  output.out(
    `Plan for ${plan.service}: ${plan.strategy}${source}, at least ${formatDuration(plan.minimumSeconds)}`,
  );
  plan.steps.forEach((step, i) => output.out(`${String(i + 1).padStart(3)}. ${describeStep(step)}`));
  output.out('Nothing was changed.');
}

export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'check-alarms':
      return step.alarms.length === 0
        ? 'check alarms: none are watched'
        : `check alarms (refuse to start if any is in ALARM): ${step.alarms.join(', ')}`;
    case 'register-task-definition':
      return 'register a task definition revision with the image pinned by digest';
    case 'create-task-set':
      return step.targetGroup === 'idle'
        ? 'create the new task set behind the idle target group'
        : 'create the new task set in the stable target group, at 0 tasks';
    case 'wait-healthy':
      return 'wait until the new tasks are running and their targets healthy';
    case 'hook':
      return `run hook ${step.hook}: ${step.function} (timeout ${formatDuration(step.timeoutSeconds)})`;
    case 'test-traffic':
      return 'send test-listener traffic to the new task set';
    case 'approval':
      return `wait for approval (roll back after ${formatDuration(step.timeoutSeconds)})`;
    case 'shift':
      return `shift ${step.weight}% of production traffic to the new task set (t+${formatDuration(step.atSeconds)})`;
    case 'bake': {
      const what = step.final ? 'final bake' : 'bake';
      const alarms = step.alarms.length === 0 ? 'no alarms' : `${step.alarms.length} alarm(s)`;
      return `${what} ${formatDuration(step.seconds)}, watching ${alarms}${step.analysis ? ', then canary analysis' : ''}`;
    }
    case 'scale-batch':
      return `batch ${step.batch}: scale the new task set to ${step.candidatePercent}%, the old to ${step.stablePercent}%`;
    case 'promote':
      return 'promote: make the new task set primary';
    case 'termination-wait':
      return `keep the old task set for ${formatDuration(step.seconds)} (rollback is a weight flip)`;
    case 'clean-up':
      return 'scale in and delete the old task set';
  }
}
