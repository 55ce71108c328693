// One successful deployment through the real ASL file and the real handlers, over the
// in-memory fakes, exactly as the state-machine tests run them (harness/engine.ts):
// the example catalog, changed where a scenario says, a seeded service, and a clock
// that jumps to the next timer. An approval is given through the operator engine.
//
// The handler modules read their environment when imported: import this module only
// after the environment is set (bench/transitions.ts does).

import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { approve } from '../shared/engine/operator.js';
import type { StateMachineName } from '../shared/ports/executions.js';
import type { LocalExecution } from '../local/stepfunctions/run.js';
import { createWorld, depsOf, DIGEST, drive, REGISTRY, seedService, start } from '../harness/engine.js';

export interface Scenario {
  service: string;
  machine: StateMachineName;
  /** Execution input besides service and image: `preset`, `strategy`. */
  input?: Record<string, unknown>;
  /** Canary analysis: as the catalog says, or forced on (web's settings) or off. */
  analysis?: 'catalog' | 'on' | 'off';
  /** A person approves before production traffic moves (blue-green): as the catalog says, or forced. */
  approval?: 'catalog' | 'on' | 'off';
}

type Services = Record<string, Record<string, unknown>>;

function catalogFor(scenario: Scenario): string {
  const text = readFileSync(new URL('../examples/catalog.yml', import.meta.url), 'utf8');
  const catalog = parse(text) as { services: Services };
  const entry = catalog.services[scenario.service];
  if (entry === undefined) throw new Error(`no service ${scenario.service} in examples/catalog.yml`);
  if (scenario.analysis === 'off') delete entry.analysis;
  if (scenario.analysis === 'on') entry.analysis ??= structuredClone(catalog.services.web!.analysis);
  if (scenario.approval === 'off') entry.approval = { required: false };
  if (scenario.approval === 'on') entry.approval = { required: true, timeoutSeconds: 86400 };
  return stringify(catalog);
}

/** Runs the scenario to its end; throws unless the deployment succeeded. */
export async function runDeployment(scenario: Scenario): Promise<LocalExecution> {
  const world = createWorld(catalogFor(scenario));
  const entry = seedService(world, scenario.service);
  const image = `${REGISTRY}/${entry.images.repositories[0]}@${DIGEST(2)}`;
  const execution = start(world, scenario.machine, {
    service: scenario.service,
    image,
    actor: 'bench',
    ...scenario.input,
  });
  const waitingForApproval = () => world.deployments.items.get(execution.name)?.approval !== undefined;
  for (let approvals = 0; ; approvals += 1) {
    await drive(world, execution, waitingForApproval);
    if (execution.status !== 'RUNNING') break;
    if (approvals === 5) throw new Error(`${execution.name} asked for approval more than 5 times`);
    await approve(depsOf(world), execution.name, { actor: 'operator:bench', reason: 'benchmark' });
  }
  await execution.done;
  if (execution.status !== 'SUCCEEDED') {
    throw new Error(
      `the ${scenario.machine} deployment of ${scenario.service} did not succeed: ${execution.error}: ${execution.cause}`,
    );
  }
  return execution;
}
