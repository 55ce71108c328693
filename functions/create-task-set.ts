// Registers the release's task definition, pinned by digest, and runs it as a new task set:
// behind the idle target group, or (rolling) empty in the stable one.

import { tables } from '../shared/aws/dynamodb-tables.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { stepInput } from '../shared/engine/spec.js';
import { startCandidate } from '../shared/engine/task-set.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof startCandidate>[0]) {
  return stepHandler('create-task-set', stepInput({}), ({ spec }) => startCandidate(deps, spec));
}

export const handler = createHandler({ clock: processClock, ...tables(), ...ecsAdapters() });
