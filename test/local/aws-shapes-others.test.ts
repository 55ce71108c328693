// What the local ECR, Step Functions, CloudWatch and EventBridge answer to the reads a platform
// engineer makes with the AWS CLI, against botocore's output shape for each operation (the AWS
// CLI's own models), after a deployment has run: every member has the model's type and is one
// the model has, and the members those services always return are there.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callJson, hasBotocore, serviceModel, shapeProblems } from '../support/botocore-shapes.js';
import { freePort } from '../../harness/emulators.js';
import { finished, push, startCloud, type CloudHandle } from '../../harness/local-cloud.js';

/** By botocore shape name: the members each service returns in every such structure. */
const ALWAYS: Record<string, string[]> = {
  Repository: ['repositoryArn', 'registryId', 'repositoryName', 'repositoryUri', 'createdAt'],
  ImageDetail: ['registryId', 'repositoryName', 'imageDigest', 'imagePushedAt'],
  StateMachineListItem: ['stateMachineArn', 'name', 'type', 'creationDate'],
  DescribeStateMachineOutput: ['stateMachineArn', 'name', 'definition', 'roleArn', 'type', 'creationDate'],
  ExecutionListItem: ['executionArn', 'stateMachineArn', 'name', 'status', 'startDate'],
  DescribeExecutionOutput: ['executionArn', 'stateMachineArn', 'status', 'startDate'],
  HistoryEvent: ['timestamp', 'type', 'id'],
  MetricAlarm: ['AlarmName', 'AlarmArn', 'StateValue', 'StateUpdatedTimestamp', 'ComparisonOperator'],
  AlarmHistoryItem: ['AlarmName', 'Timestamp', 'HistoryItemType', 'HistorySummary'],
  Rule: ['Name', 'Arn', 'State', 'EventBusName'],
};

let handle: CloudHandle;

/** Calls an operation that must succeed, and checks its answer against botocore's shape. */
async function checked(service: string, operation: string, input: Record<string, unknown> = {}) {
  const { status, body } = await callJson(handle.cloud.endpoint, service, operation, input);
  expect(status, `${service} ${operation}: ${JSON.stringify(body)}`).toBe(200);
  expect(shapeProblems(serviceModel(service), operation, body, ALWAYS)).toEqual([]);
  return body as Record<string, unknown>;
}

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  await finished(handle, 'canary', push(handle, 'canary', 'v2', 'healthy'));
}, 120_000);

afterAll(async () => {
  await handle?.stop();
});

describe.skipIf(!hasBotocore)('the AWS CLI reads other local services in botocore’s shapes', () => {
  it('ECR: the repositories and their images', async () => {
    await checked('ecr', 'DescribeRepositories');
    const { imageDetails } = await checked('ecr', 'DescribeImages', { repositoryName: 'canary' });
    expect(imageDetails).toHaveLength(2);
  });

  it('Step Functions: the state machines and the deployment’s execution', async () => {
    const { stateMachines } = await checked('stepfunctions', 'ListStateMachines');
    const machine = (stateMachines as { stateMachineArn: string }[]).find((m) =>
      m.stateMachineArn.endsWith('-canary'),
    )!;
    await checked('stepfunctions', 'DescribeStateMachine', { stateMachineArn: machine.stateMachineArn });
    const { executions } = await checked('stepfunctions', 'ListExecutions', {
      stateMachineArn: machine.stateMachineArn,
    });
    const [execution] = executions as { executionArn: string }[];
    await checked('stepfunctions', 'DescribeExecution', { executionArn: execution!.executionArn });
    const { events } = await checked('stepfunctions', 'GetExecutionHistory', {
      executionArn: execution!.executionArn,
      maxResults: 1000,
    });
    const types = new Set((events as { type: string }[]).map((e) => e.type));
    for (const type of ['LambdaFunctionScheduled', 'TaskScheduled', 'TaskSucceeded', 'ExecutionSucceeded'])
      expect(types, type).toContain(type);
  });

  it('CloudWatch: the alarms and their history', async () => {
    const { MetricAlarms } = await checked('cloudwatch', 'DescribeAlarms');
    expect((MetricAlarms as unknown[]).length).toBeGreaterThan(0);
    await checked('cloudwatch', 'DescribeAlarmHistory', { AlarmName: 'canary-5xx-rate' });
  });

  it('EventBridge: the rules that start deployments and react to alarms', async () => {
    const { Rules } = await checked('events', 'ListRules');
    expect((Rules as unknown[]).length).toBeGreaterThan(0);
  });
});
