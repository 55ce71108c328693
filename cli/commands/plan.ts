// `cutover plan <service>`: the schedule and steps a deployment would take. Changes nothing.

import { onePositional, parseCommandLine, STRATEGY_OPTIONS, STRATEGY_OPTIONS_HELP } from '../args.js';
import type { Command } from '../command.js';
import { catalogPath, loadCatalogFile } from '../catalog-file.js';
import { printJson, type Output } from '../output.js';
import { getService } from '../../shared/domain/catalog.js';
import { DeploymentRequestInvalid } from '../../shared/domain/errors.js';
import { planDeployment, type DeploymentPlan } from '../../shared/domain/plan.js';
import { describeStep, formatDuration } from '../../shared/domain/step-words.js';

const help = `Usage: cutover plan <service> [options]

Print the steps a deployment of <service> would take: checks, hooks, approval,
each traffic shift and bake, promote and clean-up. Nothing is changed.

Options:
${STRATEGY_OPTIONS_HELP}
  --catalog FILE      the catalog (default: $CUTOVER_CATALOG, else ./catalog.yml)
  --json              print the plan as JSON

Examples:
  cutover plan web --catalog examples/catalog.yml
  cutover plan web --preset Canary10Percent5Minutes --catalog examples/catalog.yml
  cutover plan worker --strategy rolling --batch-percent 50 --json`;

export const planCommand: Command = {
  name: 'plan',
  help,
  run(args, output) {
    const { values, positionals } = parseCommandLine(args, {
      ...STRATEGY_OPTIONS,
      catalog: { type: 'string' },
      json: { type: 'boolean' },
    });
    const service = onePositional(positionals, 'plan', 'service name', help);
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
