// The AWS resources a catalog names, for least-privilege IAM: each Lambda role is
// granted only these clusters, services, rules, target groups, hooks and roles. (Alarms and
// repositories are not here: reading composite alarms needs *, and the rules that route
// alarm changes and pushes name none, to stay within EventBridge's pattern size quota.)
// Partition, account and region are left as ${AWS::Partition}, ${AWS::AccountId} and
// ${AWS::Region}, for CloudFormation to fill in (cli/serverless-catalog.cjs).

import type { Catalog } from './catalog-schema.js';
import { functionOf } from './webhook.js';
import { listenerOf } from './header-step.js';

export interface CatalogResources {
  ecsServices: string[];
  ecsTaskSets: string[];
  ecsTasks: string[];
  listenerRules: string[];
  /** The listeners a header-routed step adds its rule to (CreateRule is authorized on the listener). */
  routeListeners: string[];
  /** Any rule of those listeners: the step's rule, whose ARN ELB chooses (DeleteRule). */
  routeRules: string[];
  targetGroups: string[];
  hookFunctions: string[];
  /** The task and execution roles the catalog names: the only roles iam:PassRole may pass. */
  passRoles: string[];
}

const ACCOUNT = 'arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}';

export function catalogResources(catalog: Catalog): CatalogResources {
  const entries = Object.values(catalog.services);
  const unique = (values: string[]) => [...new Set(values)].sort();
  const routed = entries.filter((e) => e.headerStep !== undefined);
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
    routeListeners: unique(routed.map((e) => listenerOf(e.traffic.productionListenerRule))),
    routeRules: unique(
      routed.map(
        (e) => `${listenerOf(e.traffic.productionListenerRule).replace(':listener/', ':listener-rule/')}/*`,
      ),
    ),
    targetGroups: unique(
      entries.flatMap((e) => [
        ...e.traffic.targetGroups,
        ...(e.traffic.baselineTargetGroup === undefined ? [] : [e.traffic.baselineTargetGroup]),
      ]),
    ),
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
