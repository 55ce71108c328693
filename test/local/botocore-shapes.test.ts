// The shape check the local AWS answers are held to finds each kind of mistake, naming the
// operation and the member: a wrong type, a member the model lacks, an enum value it does not
// list, and a member AWS always returns that is missing.

import { describe, expect, it } from 'vitest';
import { hasBotocore, serviceModel, shapeProblems } from '../support/botocore-shapes.js';

describe.skipIf(!hasBotocore)('the botocore shape check', () => {
  const ecs = hasBotocore ? serviceModel('ecs') : undefined;
  const service = {
    serviceName: 'web',
    runningCount: 2,
    createdAt: 1_700_000_000,
    schedulingStrategy: 'REPLICA',
    deployments: [],
  };

  it('passes an answer in the model’s shape', () => {
    expect(shapeProblems(ecs!, 'DescribeServices', { services: [service], failures: [] })).toEqual([]);
  });

  it('names the operation and the member path of every problem', () => {
    const wrong = {
      services: [
        {
          ...service,
          runningCount: '2',
          createdAt: 'yesterday',
          schedulingStrategy: 'SOMETIMES',
          deployments: {},
          pods: 3,
        },
      ],
    };
    expect(shapeProblems(ecs!, 'DescribeServices', wrong, { Service: ['serviceArn'] })).toEqual([
      'ecs DescribeServices: services[0].runningCount should be an integer',
      'ecs DescribeServices: services[0].createdAt should be a timestamp',
      'ecs DescribeServices: services[0].schedulingStrategy is "SOMETIMES", not one of REPLICA, DAEMON',
      'ecs DescribeServices: services[0].deployments should be a list',
      'ecs DescribeServices: services[0].pods is not a member of Service',
      'ecs DescribeServices: services[0].serviceArn is missing (AWS always returns it)',
    ]);
  });

  it('refuses an operation the model does not have', () => {
    expect(shapeProblems(ecs!, 'ListPods', {})).toEqual(['ecs ListPods: the model has no such operation']);
  });
});
