// What serverless.yml sets on each function, as the local cloud's stack has it: the endpoint,
// the region, the tables, the ledger's key and bucket, the bus, the bake schedules, the
// catalog and the state machines.
//
// The local cloud builds each handler in functions/ from this object (functions.ts), through
// the module's `handlerFor`, as Lambda builds it from process.env: the same variables, the same
// code. Their clients take their region, endpoint and credentials from it, never from the
// process's environment, which the local cloud does not change (it reads one variable there:
// the log level the shell asks for). So two local clouds in one process each have handlers
// that reach their own endpoint alone.

import { ENV_BY_MACHINE } from '../shared/aws/sfn-executions.js';
import type { Scope } from './scope.js';
import { DEPLOYMENTS_TABLE, EVENT_BUS, LEDGER_TABLE, STATE_MACHINES, stateMachineArn } from './stack.js';

export type HandlerEnvironment = Readonly<Record<string, string>>;

export interface HandlerResources {
  /** The local AWS endpoint. */
  endpoint: string;
  scope: Scope;
  catalogPath: string;
  /** The ledger's signing key and anchor bucket, as the template names them. */
  ledger: { LEDGER_KEY_ID: string; LEDGER_ANCHOR_BUCKET: string };
  /** The bake schedule group and the role its schedules run as (scheduler-services.ts). */
  scheduler: { BAKE_SCHEDULE_GROUP: string; BAKE_SCHEDULER_ROLE_ARN: string };
  /** The handlers' log level: the one this shell asks for, or warnings. */
  logLevel?: string;
}

export function handlerEnvironment(resources: HandlerResources): HandlerEnvironment {
  const { endpoint, scope } = resources;
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: scope.region,
    AWS_DEFAULT_REGION: scope.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Each function's calls sign with its own role's credentials (shared/runtime/invocation-credentials.ts).
    CUTOVER_INVOCATION_CREDENTIALS: 'true',
    LEDGER_TABLE,
    DEPLOYMENTS_TABLE,
    ...resources.ledger,
    ...resources.scheduler,
    CUTOVER_EVENT_BUS: EVENT_BUS,
    CUTOVER_CATALOG: resources.catalogPath,
    POWERTOOLS_LOG_LEVEL: resources.logLevel ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...Object.fromEntries(STATE_MACHINES.map((m) => [ENV_BY_MACHINE[m], stateMachineArn(scope, m)])),
  };
}
