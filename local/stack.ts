// The stack the local cloud plays: serverless.yml deployed at stage `local`, its resources
// named as that stage's are, in the account and region of the catalog's ARNs (scope.ts).

import { join } from 'node:path';
import { catalogResources } from '../shared/domain/catalog-resources.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { LOCAL_STAGE, STACK_SERVICE } from '../shared/domain/stack-names.js';
import type { StateMachineName } from '../shared/ports/executions.js';
import type { RoleOptions } from './iam/roles.js';
import type { Scope } from './scope.js';

export const ROOT = new URL('..', import.meta.url).pathname;
/** The template the stack is made from: its functions' roles, tables, keys, buckets and rules. */
export const TEMPLATE = join(ROOT, 'serverless.yml');

const STACK = `${STACK_SERVICE}-${LOCAL_STAGE}`;
export const LEDGER_TABLE = `${STACK}-ledger`;
export const DEPLOYMENTS_TABLE = `${STACK}-deployments`;
export const EVENT_BUS = STACK;

export const STATE_MACHINES: readonly StateMachineName[] = ['blue-green', 'canary', 'rolling'];

export function stateMachineArn(scope: Scope, machine: StateMachineName): string {
  return `arn:aws:states:${scope.region}:${scope.account}:stateMachine:${STACK}-${machine}`;
}

export function functionArn(scope: Scope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.account}:function:${STACK}-${name}`;
}

/**
 * How serverless.yml resolves for this stack: its stage, the catalog's resources, and, once KMS
 * and S3 have made the ledger's keys and buckets, the names AWS picked for them.
 */
export function templateOptions(
  scope: Scope,
  catalog: Catalog,
  physicalIds?: Readonly<Record<string, string>>,
): RoleOptions {
  return {
    ...scope,
    partition: 'aws',
    stage: LOCAL_STAGE,
    resources: { ...catalogResources(catalog) },
    ...(physicalIds === undefined ? {} : { physicalIds }),
  };
}

/** A state machine's definition, as statemachines/ holds it. */
export function definitionPath(machine: StateMachineName): string {
  return join(ROOT, 'statemachines', `${machine}.asl.json`);
}
