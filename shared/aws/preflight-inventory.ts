// The inventory ports (shared/ports/inventory.ts) on AWS SDK clients (ELBv2 by its signed
// requests, elbv2-requests.ts, where the client it is given sends them), for `cutover preflight`.
// Every call is a read. "Does not exist" answers become null or false; AccessDenied becomes
// ReadRefused, naming the action to allow; anything else (no credentials, no network) is thrown.

import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { GetRoleCommand, type IAMClient } from '@aws-sdk/client-iam';
import { GetFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { ReadRefused } from './errors.js';
import {
  type AlarmInventory,
  type EcsInventory,
  type EcsServiceFacts,
  type FunctionInventory,
  type LoadBalancerInventory,
  type Route,
  type RoleInventory,
  type TaskDefinitionFamily,
} from '../ports/inventory.js';
import { CloudWatchAlarmWatch } from './cloudwatch-alarm-watch.js';
import { elbv2Requests, type Elbv2Requests, type Elbv2Source } from './elbv2-requests.js';
import { Elbv2TrafficRouter } from './elbv2-traffic-router.js';
import { ResourceNotFound } from './errors.js';

/** The names AWS services give "you may not do that" (query and JSON protocols). */
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/** Runs a read; `notFound` names the errors that mean the resource is absent. */
async function read<T>(
  action: string,
  what: string,
  call: () => Promise<T>,
  absent: { names: readonly string[]; value: T },
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = (error as Error).name;
    if (absent.names.includes(name)) return absent.value;
    if (ACCESS_DENIED.has(name)) {
      throw new ReadRefused(action, `${action} on ${what} was refused: ${(error as Error).message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export class EcsAccountInventory implements EcsInventory {
  constructor(private readonly ecs: ECSClient) {}

  async service(ref: { cluster: string; service: string }): Promise<EcsServiceFacts | null> {
    const output = await read(
      'ecs:DescribeServices',
      `${ref.cluster}/${ref.service}`,
      () => this.ecs.send(new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] })),
      { names: ['ClusterNotFoundException'], value: null },
    );
    const found = output?.services?.[0];
    // A deleted service is still described, as INACTIVE, for a while.
    if (found === undefined || found.status === 'INACTIVE') return null;
    const deploymentController = found.deploymentController?.type ?? 'ECS';
    const primary = found.taskSets?.find((set) => set.status === 'PRIMARY')?.taskDefinition;
    // Services with ECS's own controller have no task sets: their task definition is the service's.
    const fallback = deploymentController === 'EXTERNAL' ? undefined : found.taskDefinition;
    return { deploymentController, primaryTaskDefinitionArn: primary ?? fallback ?? null };
  }

  async family(taskDefinitionArn: string): Promise<TaskDefinitionFamily | null> {
    const described = await this.describe(taskDefinitionArn);
    const family = described?.taskDefinition?.family;
    if (family === undefined) return null;
    // A family alone names its newest ACTIVE revision; ECS answers ClientException when it has none.
    const newest = await this.describe(family);
    return { family, active: newest?.taskDefinition?.status === 'ACTIVE' };
  }

  private describe(taskDefinition: string) {
    return read(
      'ecs:DescribeTaskDefinition',
      taskDefinition,
      () => this.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition })),
      { names: ['ClientException'], value: null },
    );
  }
}

export class Elbv2AccountInventory implements LoadBalancerInventory {
  private readonly elb: Elbv2Requests;
  private readonly router: Elbv2TrafficRouter;

  constructor(elb: Elbv2Source) {
    this.elb = elbv2Requests(elb);
    this.router = new Elbv2TrafficRouter(this.elb);
  }

  async route(ruleOrListenerArn: string): Promise<Route | null> {
    const action = ruleOrListenerArn.includes(':listener-rule/')
      ? 'elasticloadbalancing:DescribeRules'
      : 'elasticloadbalancing:DescribeListeners';
    const weights = await read(action, ruleOrListenerArn, () => this.router.weights(ruleOrListenerArn), {
      names: [ResourceNotFound.name],
      value: null,
    });
    if (weights === null) return null;
    return { forwards: weights.length === 0 ? null : weights };
  }

  async attachments(targetGroupArns: readonly string[]): Promise<Map<string, string[] | null>> {
    // One call each: DescribeTargetGroups fails as a whole when any group does not exist.
    const found = await Promise.all(
      targetGroupArns.map((arn) =>
        read(
          'elasticloadbalancing:DescribeTargetGroups',
          arn,
          async () => {
            const groups = await this.elb.describeTargetGroups([arn]);
            return groups[0]?.LoadBalancerArns ?? [];
          },
          { names: ['TargetGroupNotFoundException', 'TargetGroupNotFound'], value: null },
        ),
      ),
    );
    return new Map(targetGroupArns.map((arn, i) => [arn, found[i] ?? null]));
  }
}

export class CloudWatchAlarmInventory implements AlarmInventory {
  private readonly watch: CloudWatchAlarmWatch;

  constructor(cloudWatch: CloudWatchClient) {
    this.watch = new CloudWatchAlarmWatch(cloudWatch);
  }

  async existing(alarmNames: readonly string[]): Promise<Set<string>> {
    const states = await read(
      'cloudwatch:DescribeAlarms',
      alarmNames.join(', '),
      () => this.watch.states(alarmNames),
      { names: [], value: {} },
    );
    return new Set(Object.keys(states));
  }
}

export class LambdaFunctionInventory implements FunctionInventory {
  constructor(private readonly lambda: LambdaClient) {}

  async exists(nameOrArn: string): Promise<boolean> {
    return read(
      'lambda:GetFunction',
      nameOrArn,
      async () => {
        await this.lambda.send(new GetFunctionCommand({ FunctionName: nameOrArn }));
        return true;
      },
      { names: ['ResourceNotFoundException'], value: false },
    );
  }
}

export class IamRoleInventory implements RoleInventory {
  constructor(private readonly iam: IAMClient) {}

  async exists(roleName: string): Promise<boolean> {
    return read(
      'iam:GetRole',
      roleName,
      async () => {
        await this.iam.send(new GetRoleCommand({ RoleName: roleName }));
        return true;
      },
      { names: ['NoSuchEntityException', 'NoSuchEntity'], value: false },
    );
  }
}
