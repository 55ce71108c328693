// Registers the release's task definition: the primary's, with the image pinned by digest.

import { tables } from '../shared/aws/dynamodb-tables.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { stepInput } from '../shared/engine/spec.js';
import { registerTaskDefinition } from '../shared/engine/task-set.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof registerTaskDefinition>[0]) {
  return stepHandler('register-task-definition', stepInput({}), ({ spec }) =>
    registerTaskDefinition(deps, spec),
  );
}

export const handler = createHandler({ clock: processClock, ...tables(), ...ecsAdapters() });
