// The AWS services a local cloud serves, made in one stage of its start (cloud-start.ts):
// ECS, ELB, CloudWatch, EventBridge, ECR, Step Functions, Scheduler and Lambda, resumed from the
// saved state when there is one; and the routes of the one AWS endpoint that serves them
// all, with KMS, S3, IAM and DynamoDB (aws/server.ts).

import type { Server } from 'node:http';
import { catalogResources } from '../shared/domain/catalog-resources.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { functionRoleNames, LOCAL_STAGE } from '../shared/domain/stack-names.js';
import { LocalCloudWatch } from './aws/cloudwatch.js';
import { LocalEcr } from './aws/ecr.js';
import { LocalEcs } from './aws/ecs.js';
import type { EcsState } from './aws/ecs-model.js';
import { ELBV2_API_VERSION, ELBV2_NAMESPACE, LocalElbv2 } from './aws/elbv2.js';
import { LocalEventBridge } from './aws/eventbridge.js';
import type { FaultInjector } from './aws/faults.js';
import { accessKeyIdOf } from './aws/guard.js';
import { IAM_API_VERSION, IAM_NAMESPACE, LocalIamService } from './aws/iam.js';
import { KMS_TARGET } from './aws/kms.js';
import { LocalLambda } from './aws/lambda.js';
import { MetricJournal } from './aws/metric-journal.js';
import type { LocalScheduler } from './aws/scheduler.js';
import { createAwsServer } from './aws/server.js';
import { LocalStepFunctions } from './aws/stepfunctions.js';
import { FUNCTION_NAMES, functionTimeoutSeconds, LocalFunctions } from './functions.js';
import type { LocalIam } from './iam/authorizer.js';
import type { LedgerServices } from './ledger-services.js';
import { startScheduler, type SchedulerServices } from './scheduler-services.js';
import type { Scope } from './scope.js';
import { EVENT_BUS, functionArn, TEMPLATE, templateOptions } from './stack.js';
import { httpInvoker } from './stepfunctions/http-task.js';
import { TokenRegistry } from './stepfunctions/tokens.js';
import type { Starting } from './cloud-start.js';

/** Task handlers the executions may run at once (local/stepfunctions/handler-slots.ts). */
const HANDLER_SLOTS = 16;

export interface Services {
  ecs: LocalEcs;
  elb: LocalElbv2;
  cloudwatch: LocalCloudWatch;
  events: LocalEventBridge;
  ecr: LocalEcr;
  stepFunctions: LocalStepFunctions;
  /** EventBridge Scheduler: the schedules that end bakes, fired on the simulated clock. */
  scheduler: LocalScheduler;
  /** What the handlers read of the scheduler's resources. */
  schedulerEnvironment: SchedulerServices['environment'];
  /** The handlers, called in this process with the local cloud's clock and each one's role. */
  functions: LocalFunctions;
  /** The metric data in the data folder, written as it comes. */
  journal: MetricJournal;
  /**
   * Lambda's Invoke: Cutover's own functions (a schedule's target may be one), and the catalog's
   * local functions (registered once the load balancer listens: cloud-start.ts).
   */
  lambda: LocalLambda;
}

export async function openServices(
  starting: Starting,
  { iam, ledger, awsEndpoint }: { iam: LocalIam; ledger: LedgerServices; awsEndpoint: () => string },
): Promise<Services> {
  const { options, saved, scope, clock, log } = starting;
  const { scheduler, environment: schedulerEnvironment } = await startScheduler({
    template: TEMPLATE,
    roles: templateOptions(scope, options.catalog, ledger.resources.physicalIds()),
    iam,
    now: () => clock.now(),
    endpoint: awsEndpoint,
    saved: saved?.scheduler,
    log,
  });
  const functions = new LocalFunctions({ clock, credentialsFor: (name) => iam.credentialsFor(name) });
  const ecs = new LocalEcs({
    ...scope,
    now: () => clock.now(),
    callerArn: (key) => iam.callerArn(key),
    loadBalancerOfTargetGroup: (arn) => elb.loadBalancerOf(arn),
  });
  const elb = saved
    ? LocalElbv2.restore(saved.elb, { ...scope, clock })
    : new LocalElbv2({ ...scope, clock });
  const events = new LocalEventBridge({
    buses: [EVENT_BUS],
    clock,
    ...scope,
    deliver: async (fn, event) => {
      await functions.resolve(fn)(event, { functionName: fn });
    },
    log,
  });
  const cloudwatch = new LocalCloudWatch({
    clock,
    ...scope,
    onStateChange: (event) => {
      log(
        `alarm ${event.detail.alarmName}: ${event.detail.previousState.value} → ${event.detail.state.value}`,
      );
      events.publish(event);
    },
  });
  const ecr = new LocalEcr({
    ...scope,
    now: () => clock.now(),
    onPush: (event) => {
      log(
        `pushed ${event.detail['repository-name']}:${event.detail['image-tag'] ?? ''} ${event.detail['image-digest']}`,
      );
      events.publish({ ...event, time: new Date(event.time).toISOString() });
    },
  });
  const stepFunctions = new LocalStepFunctions({
    clock,
    tokens: new TokenRegistry(),
    resolve: functions.resolve,
    // Read as each execution starts: its Retry intervals follow the clock's speed then.
    get retryMsPerSecond() {
      return 1000 / clock.currentSpeed;
    },
    functionArn: (fn) => functionArn(scope, fn),
    // So that deployments starting together leave room for the API on the one thread.
    handlerSlots: HANDLER_SLOTS,
    // HTTP Tasks call their endpoints as the state machine's role, with EventBridge's connections.
    http: (machine) => {
      if (machine.role === undefined) return undefined;
      const { accessKeyId } = iam.addServiceRole(machine.role.arn, 'states', machine.role.statements);
      return httpInvoker({
        region: scope.region,
        stateMachineArn: machine.arn,
        connection: (arn) => events.connections.byArn(arn),
        authorize: (authorizations) => {
          const denial = iam.checkAuthorizations(accessKeyId, authorizations);
          if (denial !== null) log(`IAM denied: ${denial.message}`);
          return denial?.message ?? null;
        },
      });
    },
    ...(options.keepExecutions === undefined ? {} : { keepExecutions: options.keepExecutions }),
    onEnd: (execution) =>
      log(
        `execution ${execution.name}: ${execution.status}${execution.error ? ` ${execution.error}: ${execution.cause ?? ''}` : ''}`,
      ),
  });
  // EventBridge's rules come back once the catalog's new services exist (seedWorld): their
  // image v1, pushed as a first start pushes it, starts no deployment.
  if (saved) {
    ecs.restore(saved.ecs as EcsState);
    cloudwatch.restore(saved.cloudwatch);
    ecr.restore(saved.ecr as Parameters<LocalEcr['restore']>[0]);
    stepFunctions.restore(saved.executions as Parameters<LocalStepFunctions['restore']>[0]);
  }
  const journal = MetricJournal.open(options.dataDir, cloudwatch.metrics, saved?.metricJournal);
  const lambda = new LocalLambda({ partition: 'aws', ...scope }, clock);
  // Cutover's own functions, by the names the stack gives them, as Lambda knows them: what a
  // schedule whose target is a function invokes (a hook's next call, engine/hooks.ts).
  for (const name of FUNCTION_NAMES) {
    lambda.register({
      name: functionArn(scope, name).split(':function:')[1]!,
      handler: (event, context) => functions.resolve(name)(event, context),
      timeoutSeconds: functionTimeoutSeconds(name),
    });
  }
  return {
    ecs,
    elb,
    cloudwatch,
    events,
    ecr,
    stepFunctions,
    scheduler,
    schedulerEnvironment,
    functions,
    journal,
    lambda,
  };
}

/** The AWS endpoint: each protocol routed to its service, every call held to IAM, faults injected on demand. */
export function awsServer(
  { options, scope, log }: Starting,
  parts: {
    services: Services;
    iam: LocalIam;
    ledger: LedgerServices;
    dynamodb: string;
    faults: () => FaultInjector | null;
  },
): Server {
  const { ecs, ecr, stepFunctions, events, cloudwatch, scheduler, elb, lambda } = parts.services;
  return createAwsServer({
    faults: parts.faults,
    json: {
      AmazonEC2ContainerServiceV20141113: { service: ecs.service, contentType: 'application/x-amz-json-1.1' },
      AmazonEC2ContainerRegistry_V20150921: {
        service: ecr.service,
        contentType: 'application/x-amz-json-1.1',
      },
      AWSStepFunctions: { service: stepFunctions.service, contentType: 'application/x-amz-json-1.0' },
      AWSEvents: { service: events.service, contentType: 'application/x-amz-json-1.1' },
      GraniteServiceVersion20100801: {
        service: cloudwatch.service,
        contentType: 'application/x-amz-json-1.0',
        queryCompatible: true,
      },
      [KMS_TARGET]: { service: parts.ledger.kms.service, contentType: 'application/x-amz-json-1.1' },
    },
    s3: parts.ledger.s3,
    scheduler: scheduler.service,
    lambda,
    query: {
      [ELBV2_API_VERSION]: { service: elb.service, namespace: ELBV2_NAMESPACE },
      [IAM_API_VERSION]: { service: iamRoles(scope, options.catalog).service, namespace: IAM_NAMESPACE },
    },
    dynamodb: parts.dynamodb,
    authorize: (req, prefix, action, input) => {
      const denial = parts.iam.check(accessKeyIdOf(req) ?? '', prefix, action, input);
      if (denial !== null) log(`IAM denied: ${denial.message}`);
      return denial?.message ?? null;
    },
  });
}

/** The roles that exist locally: each function's, named as the stack names them, and the catalog's task roles. */
function iamRoles(scope: Scope, catalog: Catalog): LocalIamService {
  return new LocalIamService({
    account: scope.account,
    roles: [
      ...Object.values(functionRoleNames(FUNCTION_NAMES, { stage: LOCAL_STAGE, region: scope.region })),
      ...catalogResources(catalog).passRoles,
    ],
  });
}
