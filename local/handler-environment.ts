// What serverless.yml sets on each function, as the local cloud's stack has it: the endpoint,
// the region, the tables, the ledger's key and bucket, the bus, the bake schedules, the
// catalog and the state machines.
//
// This is the one process-wide thing a local cloud changes, and why: it runs the handlers in
// functions/ in its own process, the same files Lambda runs, and each reads its environment
// from process.env when first imported (the AWS SDK's clients read AWS_ENDPOINT_URL and
// AWS_REGION there too). Giving them an environment of their own would mean building every
// handler from an object instead of at import. So the variables are set while the local cloud
// runs and put back as they were when it stops, or when its start fails; and one local cloud
// at a time holds them in a process (LocalCloudAlreadyRunning): a second one's handlers would
// be the same modules, still pointed at the first one's endpoint. The clock, by contrast, is
// given to each handler call alone (functions.ts).

import { ENV_BY_MACHINE } from '../shared/aws/sfn-executions.js';
import { LocalCloudAlreadyRunning } from './errors.js';
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

/** Which local cloud holds this process's environment: one per process, even if this module were loaded twice. */
const HOLDER = Symbol.for('cutover.local-cloud-environment');
const holders = globalThis as { [HOLDER]?: string };

/** process.env, held by one local cloud from its start until it stops. */
export class ProcessEnvironment {
  /** Each variable set, and what it was before (undefined: unset). */
  private readonly before = new Map<string, string | undefined>();
  private released = false;

  private constructor(private readonly holder: string) {}

  /** Refused, changing nothing, while another local cloud in this process holds it. */
  static hold(holder: string): ProcessEnvironment {
    const current = holders[HOLDER];
    if (current !== undefined) {
      throw new LocalCloudAlreadyRunning(
        `a local cloud on ${current} already runs in this process, and its handlers read their ` +
          `environment once: stop it before starting one on ${holder}, or start this one in a process of its own`,
      );
    }
    holders[HOLDER] = holder;
    return new ProcessEnvironment(holder);
  }

  /** Sets the handlers' variables, keeping what each was. */
  apply(environment: HandlerEnvironment): void {
    if (this.released) throw new Error(`the environment of the local cloud on ${this.holder} was released`);
    for (const [name, value] of Object.entries(environment)) {
      if (!this.before.has(name)) this.before.set(name, process.env[name]);
      process.env[name] = value;
    }
  }

  /** Puts every variable back as it was, and lets another local cloud hold the environment. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const [name, value] of this.before) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    delete holders[HOLDER];
  }
}
