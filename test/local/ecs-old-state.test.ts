// A data folder saved before the local ECS kept service events, callers, task versions and ENI
// details still restores, and what it answers keeps botocore's shapes: the fields it lacks are
// filled as ECS would show them, not left out.

import { describe, expect, it } from 'vitest';
import { LocalEcs } from '../../local/aws/ecs.js';
import type { EcsState } from '../../local/aws/ecs-model.js';
import { handleJson } from '../../local/aws/json-protocol.js';
import { hasBotocore, serviceModel, shapeProblems } from '../support/botocore-shapes.js';

const ARN = 'arn:aws:ecs:us-east-1:000000000000';
const at = '2026-01-01T00:00:00.000Z';

/** As state.json held it before: no events, createdBy, registeredBy, version or ENI details. */
const OLD_STATE = {
  clusters: [{ clusterArn: `${ARN}:cluster/prod`, clusterName: 'prod', status: 'ACTIVE' }],
  definitions: [
    {
      taskDefinitionArn: `${ARN}:task-definition/web:1`,
      family: 'web',
      revision: 1,
      status: 'ACTIVE',
      containerDefinitions: [{ name: 'app', image: 'web@sha256:1' }],
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      registeredAt: at,
      tags: [],
    },
  ],
  services: [
    {
      serviceArn: `${ARN}:service/prod/web`,
      serviceName: 'web',
      clusterArn: `${ARN}:cluster/prod`,
      status: 'ACTIVE',
      desiredCount: 1,
      launchType: 'FARGATE',
      deploymentController: { type: 'EXTERNAL' },
      createdAt: at,
    },
  ],
  taskSets: [
    {
      id: 'ecs-svc/1234567890123456789',
      taskSetArn: `${ARN}:task-set/prod/web/ecs-svc/1234567890123456789`,
      serviceArn: `${ARN}:service/prod/web`,
      clusterArn: `${ARN}:cluster/prod`,
      status: 'PRIMARY',
      taskDefinition: `${ARN}:task-definition/web:1`,
      computedDesiredCount: 1,
      pendingCount: 0,
      runningCount: 1,
      createdAt: at,
      updatedAt: at,
      launchType: 'FARGATE',
      loadBalancers: [],
      scale: { value: 100, unit: 'PERCENT' },
      stabilityStatus: 'STEADY_STATE',
      stabilityStatusAt: at,
    },
  ],
  tasks: [
    {
      taskArn: `${ARN}:task/prod/1234567890123456789000000000000`,
      clusterArn: `${ARN}:cluster/prod`,
      taskDefinitionArn: `${ARN}:task-definition/web:1`,
      startedBy: 'ecs-svc/1234567890123456789',
      group: 'service:web',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      createdAt: at,
      startedAt: at,
      launchType: 'FARGATE',
      containers: [{ name: 'app', image: 'web@sha256:1', lastStatus: 'RUNNING' }],
      attachments: [
        {
          type: 'ElasticNetworkInterface',
          status: 'ATTACHED',
          details: [{ name: 'privateIPv4Address', value: '10.0.0.2' }],
        },
      ],
      healthStatus: 'HEALTHY',
      _next: 0,
      _ip: '10.0.0.2',
    },
  ],
  counter: 2,
} as unknown as EcsState;

describe.skipIf(!hasBotocore)('a data folder from before the local ECS answered in full', () => {
  const ecs = new LocalEcs({ region: 'us-east-1', account: '000000000000', now: () => Date.parse(at) });
  ecs.restore(OLD_STATE);
  const model = serviceModel('ecs');
  const wire = async (operation: string, input: Record<string, unknown>) => {
    const response = await handleJson(
      ecs.service,
      operation,
      JSON.stringify(input),
      'application/x-amz-json-1.1',
    );
    expect(response.status).toBe(200);
    return JSON.parse(response.body) as Record<string, unknown>;
  };

  it.each([
    ['DescribeServices', { cluster: 'prod', services: ['web'] }],
    ['DescribeTaskSets', { cluster: 'prod', service: 'web' }],
    ['DescribeTasks', { cluster: 'prod', tasks: ['1234567890123456789000000000000'] }],
    ['DescribeTaskDefinition', { taskDefinition: 'web:1' }],
  ])('answers %s in its botocore shape', async (operation, input) => {
    expect(shapeProblems(model, operation, await wire(operation, input))).toEqual([]);
  });

  it('fills what the old state lacks as ECS shows it', async () => {
    const { services } = (await wire('DescribeServices', { cluster: 'prod', services: ['web'] })) as {
      services: Record<string, unknown>[];
    };
    expect(services[0]).toMatchObject({
      runningCount: 1,
      events: [],
      deployments: [],
      createdBy: 'arn:aws:iam::000000000000:root',
    });
    const { taskDefinition } = (await wire('DescribeTaskDefinition', { taskDefinition: 'web:1' })) as {
      taskDefinition: Record<string, unknown>;
    };
    expect(taskDefinition).toMatchObject({
      compatibilities: ['EC2', 'FARGATE'],
      registeredBy: 'arn:aws:iam::000000000000:root',
    });
  });
});
