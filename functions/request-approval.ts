// Pauses for a person (a task-token wait): stores the token that approve and abort use.
// Used before traffic moves when the catalog requires approval, and after a marginal
// final canary analysis.

import { statePorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { APPROVAL_REASONS } from '../shared/domain/phase.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { requestApproval } from '../shared/engine/approval.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof requestApproval>[0], observe?: Observability) {
  const input = stepInput({
    token: z.string().check(z.minLength(1)),
    because: z._default(z.enum(APPROVAL_REASONS), 'approval required'),
  });
  return stepHandler(
    'request-approval',
    input,
    async ({ spec, token, because }) => {
      await requestApproval(deps, spec, token, because);
      return { waiting: 'approval' };
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler({ ...statePorts(env), events: cutoverEvents(env) }, observability(env));
}

export const handler = lambdaHandler(handlerFor);
