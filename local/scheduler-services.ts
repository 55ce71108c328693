// The local EventBridge Scheduler as the local cloud runs it: serverless.yml's schedule
// groups created at start, as deploying the stack creates them, and the roles Scheduler may
// assume (a template role whose trust policy names scheduler.amazonaws.com) known to IAM,
// so that a schedule's target call is made as its role and IAM-checked like any other.

import { readFile } from 'node:fs/promises';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { InvocationCredentials } from '../shared/runtime/invocation-credentials.js';
import type { Statement } from './iam/policy.js';
import type { LocalIam } from './iam/authorizer.js';
import { templateResources, type RoleOptions } from './iam/roles.js';
import { LocalScheduler } from './aws/scheduler.js';
import { AwsError } from './errors.js';

export interface SchedulerServiceOptions {
  template: string;
  roles: RoleOptions;
  iam: Pick<LocalIam, 'addServiceRole'>;
  now: () => number;
  /** The local AWS endpoint, once it listens: where target calls go. */
  endpoint: () => string;
  saved: unknown;
  log?: (line: string) => void;
}

export interface SchedulerServices {
  scheduler: LocalScheduler;
  /** What the handlers read: the template's bake schedule group and the role its schedules run as. */
  environment: { BAKE_SCHEDULE_GROUP: string; BAKE_SCHEDULER_ROLE_ARN: string };
}

export async function startScheduler(options: SchedulerServiceOptions): Promise<SchedulerServices> {
  const { region, account, partition } = options.roles;
  const credentials = new Map<string, InvocationCredentials>();
  const sfnClients = new Map<string, SFNClient>();
  const lambdaClients = new Map<string, LambdaClient>();
  const scheduler = new LocalScheduler({
    region,
    account,
    now: options.now,
    ...(options.log ? { log: options.log } : {}),
    invoke: async ({ action, input, roleArn, arn }) => {
      const assumed = credentials.get(roleArn);
      if (assumed === undefined)
        throw new AwsError(
          'AccessDeniedException',
          `Scheduler cannot assume ${roleArn}: no such role trusts it`,
        );
      const config = { endpoint: options.endpoint(), region, credentials: assumed, maxAttempts: 1 };
      if (action === 'Invoke') {
        const lambda = cached(lambdaClients, roleArn, () => new LambdaClient(config));
        const answer = await lambda.send(
          new InvokeCommand({ FunctionName: arn, Payload: new TextEncoder().encode(JSON.stringify(input)) }),
        );
        if (answer.FunctionError !== undefined)
          throw new Error(`${arn} failed: ${new TextDecoder().decode(answer.Payload)}`);
        return;
      }
      const client = cached(sfnClients, roleArn, () => new SFNClient(config));
      const taskToken = String(input.TaskToken);
      if (action === 'SendTaskSuccess')
        await client.send(new SendTaskSuccessCommand({ taskToken, output: optional(input.Output) ?? '{}' }));
      else
        await client.send(
          new SendTaskFailureCommand({
            taskToken,
            error: optional(input.Error),
            cause: optional(input.Cause),
          }),
        );
    },
  });
  scheduler.restore(options.saved);
  const text = await readFile(options.template, 'utf8');
  const environment = { BAKE_SCHEDULE_GROUP: '', BAKE_SCHEDULER_ROLE_ARN: '' };
  for (const resource of templateResources(text, options.roles)) {
    const properties = resource.properties({});
    if (resource.type === 'AWS::Scheduler::ScheduleGroup') {
      scheduler.ensureGroup(String(properties.Name));
      if (resource.logicalId === 'BakeScheduleGroup')
        environment.BAKE_SCHEDULE_GROUP = String(properties.Name);
    }
    if (resource.type === 'AWS::IAM::Role' && trustsScheduler(properties)) {
      const arn = `arn:${partition}:iam::${account}:role/${String(properties.RoleName)}`;
      credentials.set(arn, options.iam.addServiceRole(arn, 'scheduler', statementsOf(properties)));
      if (resource.logicalId === 'BakeSchedulerRole') environment.BAKE_SCHEDULER_ROLE_ARN = arn;
    }
  }
  return { scheduler, environment };
}

const optional = (value: unknown) => (typeof value === 'string' ? value : undefined);

function trustsScheduler(properties: Record<string, unknown>): boolean {
  const trust = properties.AssumeRolePolicyDocument as {
    Statement?: { Principal?: { Service?: unknown } }[];
  };
  return (trust?.Statement ?? []).some((s) =>
    [s.Principal?.Service].flat().includes('scheduler.amazonaws.com'),
  );
}

function statementsOf(properties: Record<string, unknown>): Statement[] {
  const policies = (properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((p) => p.PolicyDocument.Statement);
}

/** One SDK client per role, made when first needed. */
function cached<Client>(clients: Map<string, Client>, roleArn: string, make: () => Client): Client {
  let client = clients.get(roleArn);
  if (client === undefined) clients.set(roleArn, (client = make()));
  return client;
}
