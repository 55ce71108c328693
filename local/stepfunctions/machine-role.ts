// A state machine's role, as far as the local cloud enforces it: the statements that
// serverless-step-functions (the packaging plugin serverless.yml uses) writes into the role it
// generates for a state machine's HTTP Tasks. For each `arn:aws:states:::http:invoke` Task:
// states:InvokeHTTPEndpoint, events:RetrieveConnectionCredentials on the Task's connection, and
// secretsmanager:GetSecretValue and DescribeSecret on the secrets EventBridge keeps connections
// in. (Lambda Tasks run in this process; their lambda:InvokeFunction is not checked here.)

import type { Statement } from '../iam/policy.js';
import { HTTP_INVOKE } from './definition.js';

export interface MachineRole {
  arn: string;
  statements: Statement[];
}

/** The role the plugin generates for `machineName`'s definition, in this account and Region. */
export function generatedRole(
  definition: unknown,
  machineName: string,
  scope: { region: string; account: string },
): MachineRole {
  const connections = new Set<string>();
  visit(definition, (state) => {
    if (state.Resource !== HTTP_INVOKE) return;
    const parameters = (state.Parameters ?? {}) as Record<string, { ConnectionArn?: unknown } | undefined>;
    const arn = parameters.Authentication?.ConnectionArn ?? parameters.InvocationConfig?.ConnectionArn;
    // A connection named by a path is only known at run time: the plugin grants every one.
    connections.add(typeof arn === 'string' ? arn : '*');
  });
  const statements: Statement[] =
    connections.size === 0
      ? []
      : [
          { Effect: 'Allow', Action: ['states:InvokeHTTPEndpoint'], Resource: '*' },
          { Effect: 'Allow', Action: ['events:RetrieveConnectionCredentials'], Resource: [...connections] },
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
            Resource: `arn:aws:secretsmanager:${scope.region}:${scope.account}:secret:events!connection/*`,
          },
        ];
  return { arn: `arn:aws:iam::${scope.account}:role/${machineName}-role`, statements };
}

function visit(machine: unknown, each: (state: Record<string, unknown>) => void): void {
  const states = (machine as { States?: Record<string, Record<string, unknown>> } | null)?.States ?? {};
  for (const state of Object.values(states)) {
    each(state);
    for (const inner of [state.Iterator, state.ItemProcessor]) if (inner !== undefined) visit(inner, each);
    for (const branch of (state.Branches as unknown[] | undefined) ?? []) visit(branch, each);
  }
}
