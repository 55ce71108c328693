// Rolling: grows the new task set by one batch and shrinks the old one to match.

import * as z from '../shared/domain/zod.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { recordRequestsFor, resumedProgress } from '../shared/engine/operator-record.js';
import { stepInput } from '../shared/engine/spec.js';
import { scaleBatch } from '../shared/engine/task-set.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerSigner } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(deps: Parameters<typeof scaleBatch>[0]) {
  return stepHandler(
    'scale-batch',
    stepInput({ cursor: z.looseObject({ index: z.int() }), progress: z.optional(resumedProgress) }),
    async ({ spec, cursor, progress }) => {
      await recordRequestsFor(deps, spec.deploymentId, progress);
      return scaleBatch(deps, spec, cursor);
    },
  );
}

export const handler = createHandler({
  clock: processClock,
  signer: ledgerSigner(),
  ...tables(),
  events: cutoverEvents(),
  ...ecsAdapters(),
});
