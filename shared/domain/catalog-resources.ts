// The AWS resources a catalog names, for least-privilege IAM: each Lambda role is
// granted only these clusters, services, rules, target groups, alarms, hooks and roles.
// Partition, account and region are left as ${AWS::Partition}, ${AWS::AccountId} and
// ${AWS::Region}, for CloudFormation to fill in (cli/serverless-catalog.cjs).

import { alarmNames, type Catalog } from './catalog-schema.js';

export interface CatalogResources {
  ecsServices: string[];
  ecsTaskSets: string[];
  ecsTasks: string[];
  listenerRules: string[];
  targetGroups: string[];
  alarms: string[];
  /** Alarm names, for the EventBridge rule that routes their state changes. */
  alarmNames: string[];
  /** ECR repository names, for the EventBridge rule that routes their pushes. */
  repositoryNames: string[];
  /** Repositories whose untagged image indexes deploy (images.untaggedPushes: deploy-index). */
  untaggedIndexRepositoryNames: string[];
  hookFunctions: string[];
  /** The task and execution roles the catalog names: the only roles iam:PassRole may pass. */
  passRoles: string[];
}

const ACCOUNT = 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}';

export function catalogResources(catalog: Catalog): CatalogResources {
  const entries = Object.values(catalog.services);
  const unique = (values: string[]) => [...new Set(values)].sort();
  return {
    ecsServices: unique(entries.map((e) => `${ACCOUNT}:service/${e.ecs.cluster}/${e.ecs.service}`)),
    ecsTaskSets: unique(entries.map((e) => `${ACCOUNT}:task-set/${e.ecs.cluster}/${e.ecs.service}/*`)),
    ecsTasks: unique(entries.map((e) => `${ACCOUNT}:task/${e.ecs.cluster}/*`)),
    listenerRules: unique(
      entries.flatMap((e) => [
        e.traffic.productionListenerRule,
        ...(e.traffic.testListenerRule ? [e.traffic.testListenerRule] : []),
      ]),
    ),
    targetGroups: unique(entries.flatMap((e) => e.traffic.targetGroups)),
    alarms: unique(
      entries.flatMap((e) =>
        alarmNames(e).map(
          (a) => `arn:\${AWS::Partition}:cloudwatch:\${AWS::Region}:\${AWS::AccountId}:alarm:${a}`,
        ),
      ),
    ),
    alarmNames: unique(entries.flatMap((e) => alarmNames(e))),
    repositoryNames: unique(entries.flatMap((e) => e.images.repositories)),
    untaggedIndexRepositoryNames: unique(
      entries.filter((e) => e.images.untaggedPushes === 'deploy-index').flatMap((e) => e.images.repositories),
    ),
    hookFunctions: unique(entries.flatMap((e) => Object.values(e.hooks).map(functionArn))),
    passRoles: unique(
      entries.flatMap((e) => [e.ecs.taskRole, e.ecs.executionRole].filter((r) => r !== undefined)),
    ),
  };
}

function functionArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${nameOrArn}`;
}
