// Takes the service's lock and opens the release (deployment record + ledger).
// A busy service: DeploymentInProgress, or DeploymentQueued for a push that waits.

import { ecsClient } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { EcsTaskDefinitions } from '../shared/aws/ecs-task-definitions.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { beginDeployment } from '../shared/engine/begin.js';
import { stepInput } from '../shared/engine/spec.js';
import { systemClock } from '../shared/ports/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof beginDeployment>[0]) {
  return stepHandler('acquire-lock', stepInput({}), ({ spec }) => beginDeployment(deps, spec));
}

const ecs = ecsClient();
export const handler = createHandler({
  clock: systemClock,
  ...tables(),
  taskSets: new EcsTaskSets(ecs),
  taskDefinitions: new EcsTaskDefinitions(ecs),
});
