// The real AWS CLI against the whole local cloud: every kind of resource Cutover
// touches can be read back with the tools a platform engineer already uses.

import { readFileSync } from 'node:fs';
import { DescribeServicesCommand, type Service, type Task } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTION_NAMES, functionTimeoutSeconds } from '../../local/functions.js';
import { awsCli, hasAwsCli } from '../support/aws-cli.js';
import { freePort } from '../../harness/emulators.js';
import { finished, push, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

const aws = (...args: string[]) => awsCli(handle.cloud.endpoint, ...args);

describe.skipIf(!hasAwsCli)('the AWS CLI against the local cloud', () => {
  beforeAll(async () => {
    handle = await startCloud({ port: await freePort() });
    const digest = push(handle, 'canary', 'v2', 'healthy');
    await finished(handle, 'canary', digest);
  });

  afterAll(async () => {
    await handle?.stop();
  });

  it('ECS: the task set of the promoted release, primary and steady', async () => {
    const { status, json } = await aws(
      'ecs',
      'describe-services',
      '--cluster',
      'scenarios',
      '--services',
      'canary',
    );
    expect(status).toBe(0);
    const [service] = json.services as { taskSets: { status: string; stabilityStatus: string }[] }[];
    expect(service!.taskSets).toEqual([
      expect.objectContaining({ status: 'PRIMARY', stabilityStatus: 'STEADY_STATE' }),
    ]);
  });

  it('ECS: the service, its tasks and the release’s task definition carry the fields AWS gives', async () => {
    // The old task set's tasks stop as the world drains them, a tick or more after clean-up
    // deleted it (as on ECS); then the service is steady again.
    await until(async () => {
      const { services } = await handle.clients.ecs.send(
        new DescribeServicesCommand({ cluster: 'scenarios', services: ['canary'] }),
      );
      const events = services?.[0]?.events ?? [];
      return (
        events[0]?.message === '(service canary) has reached a steady state.' &&
        events.some((e) => e.message?.includes('has stopped'))
      );
    }, 'the old task set’s tasks to stop');
    const described = await aws('ecs', 'describe-services', '--cluster', 'scenarios', '--services', 'canary');
    const service = (described.json.services as Service[])[0]!;
    expect(service).toMatchObject({
      desiredCount: 2,
      runningCount: 2,
      pendingCount: 0,
      deployments: [],
      schedulingStrategy: 'REPLICA',
      deploymentController: { type: 'EXTERNAL' },
      loadBalancers: [
        expect.objectContaining({ targetGroupArn: handle.catalog.services.canary!.traffic.targetGroups[1] }),
      ],
    });
    expect(service.networkConfiguration?.awsvpcConfiguration?.subnets).toHaveLength(3);
    expect(service.events?.[0]?.message).toBe('(service canary) has reached a steady state.');
    // The old release's tasks left its target group and stopped, in ECS's words.
    const [blue] = handle.catalog.services.canary!.traffic.targetGroups;
    const messages = (service.events ?? []).map((e) => e.message);
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^\(service canary, taskSet ecs-svc\/\d{19}\) has stopped 1 running tasks: \(task [0-9a-f]{32}\)\.$/,
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(new RegExp(`\\) deregistered 1 targets in \\(target-group ${blue}\\)$`)),
    );
    const listed = await aws('ecs', 'list-tasks', '--cluster', 'scenarios', '--service-name', 'canary');
    const arns = listed.json.taskArns as string[];
    expect(arns).toHaveLength(2);
    for (const arn of arns)
      expect(arn).toMatch(/^arn:aws:ecs:us-east-1:000000000000:task\/scenarios\/[0-9a-f]{32}$/);
    const tasks = await aws('ecs', 'describe-tasks', '--cluster', 'scenarios', '--tasks', ...arns);
    for (const task of tasks.json.tasks as Task[])
      expect(task).toMatchObject({ lastStatus: 'RUNNING', taskDefinitionArn: service.taskDefinition });
    // The release's copy of the task definition was registered by the function that does it, in its role.
    const definition = await aws(
      'ecs',
      'describe-task-definition',
      '--task-definition',
      service.taskDefinition!,
    );
    expect(definition.json.taskDefinition).toMatchObject({
      revision: 2,
      compatibilities: ['EC2', 'FARGATE'],
      requiresCompatibilities: ['FARGATE'],
      registeredBy: expect.stringMatching(
        /^arn:aws:sts::000000000000:assumed-role\/[^/]+\/cutover-local-create-task-set$/,
      ),
    });
  });

  it('ELBv2: healthy targets behind the promoted task set', async () => {
    const group = handle.catalog.services.canary!.traffic.targetGroups[1];
    const { status, json } = await aws('elbv2', 'describe-target-health', '--target-group-arn', group);
    expect(status).toBe(0);
    const states = (json.TargetHealthDescriptions as { TargetHealth: { State: string } }[]).map(
      (t) => t.TargetHealth.State,
    );
    expect(states).toEqual(['healthy', 'healthy']);
  });

  it('Step Functions: the execution and its history', async () => {
    const machine = [...handle.cloud.stepFunctions.machines.keys()].find((arn) => arn.endsWith('canary'))!;
    const listed = await aws('stepfunctions', 'list-executions', '--state-machine-arn', machine);
    const executions = listed.json.executions as { executionArn: string; status: string }[];
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED']);
    const history = await aws(
      'stepfunctions',
      'get-execution-history',
      '--execution-arn',
      executions[0]!.executionArn,
    );
    const types = (history.json.events as { type: string }[]).map((e) => e.type);
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    // The bakes end by their schedules' SendTaskSuccess (test/local/scheduler.test.ts).
    expect(types).toContain('TaskSucceeded');
  });

  it('DynamoDB: the ledger, through the same table the handlers write', async () => {
    const { status, json } = await aws(
      'dynamodb',
      'query',
      '--table-name',
      'cutover-local-ledger',
      '--key-condition-expression',
      'service = :s',
      '--expression-attribute-values',
      '{":s":{"S":"canary"}}',
    );
    expect(status).toBe(0);
    const types = (json.Items as { type: { S: string } }[]).map((i) => i.type.S);
    expect(types).toEqual([
      'ReleaseStarted',
      'Promoted',
      'ReleaseStarted',
      'TrafficShifted',
      'TrafficShifted',
      'Promoted',
    ]);
  });

  it('CloudWatch: the catalog alarm and its data; ECR: the pushed images', async () => {
    const alarms = await aws('cloudwatch', 'describe-alarms', '--alarm-names', 'canary-5xx-rate');
    expect((alarms.json.MetricAlarms as { StateValue: string }[])[0]!.StateValue).toBe('OK');
    const images = await aws('ecr', 'describe-images', '--repository-name', 'canary');
    expect(
      (images.json.imageDetails as { imageTags: string[] }[]).flatMap((i) => i.imageTags).sort(),
    ).toEqual(['v1', 'v2']);
  });

  it('answers an unknown operation and bad parameters with AWS error shapes', async () => {
    const unknown = await aws('ecs', 'list-clusters');
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('UnknownOperationException');
    const bad = await aws(
      'stepfunctions',
      'start-execution',
      '--state-machine-arn',
      'arn:aws:states:us-east-1:000000000000:stateMachine:none',
    );
    expect(bad.stderr).toContain('StateMachineDoesNotExist');
  });

  it('ECS: refuses a task set behind a target group no load balancer forwards to, as ECS does', async () => {
    const [blue] = handle.catalog.services.canary!.traffic.targetGroups;
    const described = await aws('elbv2', 'describe-target-groups', '--target-group-arns', blue);
    const { VpcId } = (described.json.TargetGroups as { VpcId: string }[])[0]!;
    const created = await aws(
      'elbv2',
      'create-target-group',
      '--name',
      'nothing-forwards-here',
      '--protocol',
      'HTTP',
      '--port',
      '8080',
      '--target-type',
      'ip',
      '--vpc-id',
      VpcId,
    );
    const group = (created.json.TargetGroups as { TargetGroupArn: string }[])[0]!.TargetGroupArn;
    const service = await aws('ecs', 'describe-services', '--cluster', 'scenarios', '--services', 'canary');
    const { taskDefinition } = (service.json.services as { taskDefinition: string }[])[0]!;
    const refused = await aws(
      'ecs',
      'create-task-set',
      '--cluster',
      'scenarios',
      '--service',
      'canary',
      '--task-definition',
      taskDefinition,
      '--load-balancers',
      `targetGroupArn=${group},containerName=${handle.catalog.services.canary!.ecs.container},containerPort=8080`,
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      `InvalidParameterException) when calling the CreateTaskSet operation: The target group with targetGroupArn ${group} does not have an associated load balancer.`,
    );
    const after = await aws('ecs', 'describe-services', '--cluster', 'scenarios', '--services', 'canary');
    expect((after.json.services as { taskSets: unknown[] }[])[0]!.taskSets).toHaveLength(1);
  });
});

describe('the functions the local cloud binds', () => {
  it('are exactly the functions serverless.yml declares', () => {
    const yml = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8').replace(/!\w+/g, '');
    const declared = Object.keys((parse(yml) as { functions: Record<string, unknown> }).functions);
    expect([...FUNCTION_NAMES].sort()).toEqual(declared.sort());
  });

  it("time out when serverless.yml's timeout says", () => {
    const yml = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8').replace(/!\w+/g, '');
    const { provider, functions } = parse(yml) as {
      provider: { timeout: number };
      functions: Record<string, { timeout?: number }>;
    };
    for (const name of FUNCTION_NAMES)
      expect([name, functionTimeoutSeconds(name)]).toEqual([
        name,
        functions[name]?.timeout ?? provider.timeout,
      ]);
  });
});
