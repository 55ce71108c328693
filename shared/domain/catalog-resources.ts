// The AWS resources a catalog names, for least-privilege IAM: each Lambda role is
// granted only these clusters, services, rules, target groups, hooks and roles. (Alarms and
// repositories are not here: reading composite alarms needs *, and the rules that route
// alarm changes and pushes name none, to stay within EventBridge's pattern size quota.)
// Partition, account and region are left as ${AWS::Partition}, ${AWS::AccountId} and
// ${AWS::Region}, for CloudFormation to fill in (cli/serverless-catalog.cjs).

import type { Catalog } from './catalog-schema.js';
import { functionOf } from './webhook.js';

export interface CatalogResources {
  ecsServices: string[];
  ecsTaskSets: string[];
  ecsTasks: string[];
  listenerRules: string[];
  targetGroups: string[];
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
    hookFunctions: unique(
      entries.flatMap((e) =>
        Object.values(e.hooks).flatMap((t) => {
          const fn = functionOf(t);
          return fn === undefined ? [] : [functionArn(fn)];
        }),
      ),
    ),
    passRoles: unique(
      entries.flatMap((e) => [e.ecs.taskRole, e.ecs.executionRole].filter((r) => r !== undefined)),
    ),
  };
}

function functionArn(nameOrArn: string): string {
  if (nameOrArn.startsWith('arn:')) return nameOrArn;
  return `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${nameOrArn}`;
}
