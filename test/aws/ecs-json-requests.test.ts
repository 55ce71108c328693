// The ECS adapters' signed JSON 1.1 requests (shared/aws/json-requests.ts), against a stand-in
// for ECS that checks signatures: the request's shape, stopped tasks ordered by their stop
// time as ECS's JSON gives it (epoch seconds, fractions included), errors named as the SDK's
// own ECS client names them on the same answer, and an SDK client standing for its endpoint.

import { DescribeTaskSetsCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EcsTaskDefinitions } from '../../shared/aws/ecs-task-definitions.js';
import { EcsTaskSets } from '../../shared/aws/ecs-task-sets.js';
import { AwsServiceError, ResourceNotFound, TransientError } from '../../shared/aws/errors.js';
import { ECS, JsonRequests } from '../../shared/aws/json-requests.js';
import { json, StandInAws, type Received } from '../support/stand-in-aws.js';

const SERVICE = { cluster: 'prod', service: 'web' };
const TASK_DEFINITION = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7';

let ecs: StandInAws;
beforeAll(async () => {
  ecs = await new StandInAws('ecs').start();
});
afterAll(() => ecs.stop());
beforeEach(() => ecs.reset());

const taskSets = () => new EcsTaskSets(new JsonRequests(ECS, ecs.config()));
const operation = (request: Received) => String(request.headers['x-amz-target']).split('.')[1];

describe('requests', () => {
  it('sends UpdateTaskSet as a signed JSON 1.1 POST, with the target and the input as ECS takes them', async () => {
    await taskSets().scale(SERVICE, 'ecs-svc/123', 25);

    expect(ecs.received).toHaveLength(1);
    const [request] = ecs.received;
    expect(request!.problem).toBeUndefined();
    expect(request).toMatchObject({ method: 'POST', url: '/' });
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request!.headers['x-amz-target']).toBe('AmazonEC2ContainerServiceV20141113.UpdateTaskSet');
    expect(JSON.parse(request!.body)).toEqual({
      cluster: 'prod',
      service: 'web',
      taskSet: 'ecs-svc/123',
      scale: { value: 25, unit: 'PERCENT' },
    });
  });

  it('leaves out what is not given (no nextToken on the first ListTasks page)', async () => {
    ecs.answer = (request) =>
      operation(request) === 'DescribeTaskSets'
        ? json(200, { taskSets: [{ id: 'ts-1', taskDefinition: TASK_DEFINITION, runningCount: 2 }] })
        : json(200, { taskArns: [], tasks: [] });
    await taskSets().health(SERVICE, 'ts-1');
    const list = ecs.received.find((request) => operation(request) === 'ListTasks');
    expect(JSON.parse(list!.body)).toEqual({ cluster: 'prod', family: 'web', desiredStatus: 'STOPPED' });
  });
});

describe('timestamps', () => {
  it("orders a task set's failed tasks by stoppedAt, which ECS gives in epoch seconds", async () => {
    ecs.answer = (request) => {
      switch (operation(request)) {
        case 'DescribeTaskSets':
          return json(200, { taskSets: [{ id: 'ts-1', taskDefinition: TASK_DEFINITION, createdAt: 1.7e9 }] });
        case 'ListTasks':
          return json(200, { taskArns: ['t-late', 't-early', 't-middle'] });
        default:
          return json(200, {
            tasks: [
              {
                startedBy: 'ts-1',
                stopCode: 'TaskFailedToStart',
                stoppedReason: 'late',
                stoppedAt: 1700000001,
              },
              {
                startedBy: 'ts-1',
                stopCode: 'TaskFailedToStart',
                stoppedReason: 'early',
                stoppedAt: 1700000000.25,
              },
              {
                startedBy: 'ts-1',
                stopCode: 'TaskFailedToStart',
                stoppedReason: 'middle',
                stoppedAt: 1700000000.5,
              },
              { startedBy: 'other', stopCode: 'TaskFailedToStart', stoppedReason: 'not ours', stoppedAt: 1 },
            ],
          });
      }
    };
    const health = await taskSets().health(SERVICE, 'ts-1');
    expect(health.failed).toBe(3);
    expect(health.failureReasons).toEqual(['early', 'middle', 'late']);
  });
});

describe('errors, named as the SDK names them', () => {
  const CASES = [
    { status: 400, type: 'ClusterNotFoundException', message: 'Cluster not found.' },
    {
      status: 400,
      type: 'com.amazonaws.ecs#TaskSetNotFoundException',
      message: 'The specified task set does not exist.',
    },
    { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' },
    { status: 500, type: 'ServerException', message: 'Service unavailable' },
  ];

  it.each(CASES)('$type ($status)', async ({ status, type, message }) => {
    ecs.answer = () => json(status, { __type: type, message });
    const ours = await new JsonRequests(ECS, ecs.config())
      .call('DescribeTaskSets', { ...SERVICE, taskSets: ['ts-1'] })
      .catch((e: unknown) => e);
    const sdk = new ECSClient(ecs.config());
    const theirs = await sdk
      .send(new DescribeTaskSetsCommand({ ...SERVICE, taskSets: ['ts-1'] }))
      .catch((e: unknown) => e);
    sdk.destroy();

    expect(ours).toBeInstanceOf(AwsServiceError);
    const name = (theirs as Error).name;
    expect(name).toBe(type.split('#').at(-1));
    expect(ours).toMatchObject({ name, message, $metadata: { httpStatusCode: status } });
  });

  it('a revision ECS cannot describe (a plain ClientException) is ResourceNotFound', async () => {
    ecs.answer = () =>
      json(400, { __type: 'ClientException', message: 'Unable to describe task definition.' });
    const error = await new EcsTaskDefinitions(new JsonRequests(ECS, ecs.config()))
      .describe(TASK_DEFINITION)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResourceNotFound);
  });

  it('a missing cluster is ResourceNotFound; a ServerException is TransientError once the tries are spent', async () => {
    ecs.answer = () => json(400, { __type: 'ClusterNotFoundException', message: 'Cluster not found.' });
    await expect(taskSets().list(SERVICE)).rejects.toBeInstanceOf(ResourceNotFound);

    ecs.reset();
    ecs.answer = () => json(500, { __type: 'ServerException', message: 'Service unavailable' });
    const retried = new EcsTaskSets(new JsonRequests(ECS, ecs.config({ maxAttempts: 3 })));
    await expect(retried.list(SERVICE)).rejects.toBeInstanceOf(TransientError);
    expect(ecs.received).toHaveLength(3);
  });
});

describe('given an SDK client', () => {
  it('sends to its endpoint, signed with its credentials and region', async () => {
    ecs.answer = () =>
      json(200, { services: [{ status: 'ACTIVE', taskSets: [{ id: 'ts-1', status: 'PRIMARY' }] }] });
    const client = new ECSClient(ecs.config());
    const found = await new EcsTaskSets(client).list(SERVICE);
    client.destroy();

    expect(found.map((taskSet) => taskSet.id)).toEqual(['ts-1']);
    expect(ecs.received).toHaveLength(1);
    expect(ecs.received[0]!.problem).toBeUndefined();
    expect(ecs.received[0]!.headers.authorization).toContain('/eu-west-1/ecs/aws4_request');
  });
});
