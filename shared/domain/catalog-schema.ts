// The shape of catalog.yml: the services Cutover manages. Field-level rules live
// here; rules that relate fields to each other live in catalog-rules.ts.

import * as z from './zod.js';
import { localSchema } from './catalog-local.js';
import { PRESET_NAMES } from './schedule.js';
import { webhookUrlProblem } from './webhook.js';

export const STRATEGIES = ['blue-green', 'canary', 'linear', 'all-at-once', 'rolling'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** CodeDeploy's ECS lifecycle hook points that Cutover runs hooks at, in order. */
export const HOOK_NAMES = [
  'BeforeAllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** What an untagged (digest-only) push does: nothing, or deploy when it is an image index. */
export const UNTAGGED_PUSHES = ['ignore', 'deploy-index'] as const;
export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * The catalog's schemas, built at their first use rather than at import: building zod schemas is
 * the largest part of a function's cold start, and a packaged function's catalog was validated
 * when it was packaged (shared/runtime/catalog-data.ts).
 */
function buildSchemas() {
  const TWO_DAYS = 2880 * 60;
  const seconds = (max: number) => z.int().check(z.gte(0), z.lte(max));
  /** A whole number from `min` to `max`, inclusive. */
  const intBetween = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));
  const nonEmpty = () => z.string().check(z.minLength(1));
  const matching = (pattern: RegExp, message: string) => z.string().check(z.regex(pattern, message));

  const ARN_PREFIX = String.raw`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:`;
  const listenerOrRuleArn = matching(
    new RegExp(`${ARN_PREFIX}listener(-rule)?/(app|net)/[^\\s]+$`),
    'must be an ALB listener rule ARN (…:listener-rule/app/…), or a listener ARN (…:listener/app/…) to use its default action',
  );
  const targetGroupArn = matching(
    new RegExp(`${ARN_PREFIX}targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]+$`),
    'must be a target group ARN (arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)',
  );
  const lambdaFunction = matching(
    /^(arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/,
    'must be a Lambda function name or ARN',
  );
  const webhook = z.strictObject({
    url: z.string().check(
      z.refine((url) => webhookUrlProblem(url) === null, {
        error: (issue) => webhookUrlProblem(String(issue.input)) ?? 'must be a URL',
      }),
    ),
    connection: matching(
      /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:connection\/[.\-_A-Za-z0-9]{1,64}\/[A-Za-z0-9-]+$/,
      'must be an EventBridge connection ARN (arn:aws:events:<region>:<account>:connection/<name>/<id>)',
    ),
    // Read so that the rule refusing it can say why (catalog-rules.ts).
    afterRollback: z.optional(z.boolean()),
  });
  const iamRoleArn = matching(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/,
    'must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)',
  );
  const ecrRepositoryName = matching(
    /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
    'must be an ECR repository name (lowercase, e.g. team/web)',
  );
  const registrySchema = z.strictObject({
    account: z
      .string({
        error: (issue) =>
          issue.input === undefined
            ? 'is required'
            : typeof issue.input === 'number'
              ? "must be quoted, as in account: '012345678901' (unquoted, YAML reads a number and drops leading zeros)"
              : 'must be a 12-digit AWS account id',
      })
      .check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
    region: z.optional(matching(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region, e.g. us-east-1')),
  });

  const regexSource = z.string().check(z.refine(compiles, 'must be a valid regular expression'));
  const ecsName = matching(/^[A-Za-z0-9_-]{1,255}$/, 'must be an ECS name: letters, digits, - and _');

  const scheduleSpecSchema = z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('all-at-once') }),
    z.strictObject({
      type: z.literal('canary'),
      steps: z.array(z.strictObject({ weight: z.number(), bakeSeconds: z.optional(z.number()) })),
    }),
    z.strictObject({ type: z.literal('linear'), percentage: z.number(), intervalSeconds: z.number() }),
  ]);

  const metricSourceSchema = z.union([
    z.strictObject({ builtin: z.enum(['error-rate', 'latency-p50', 'latency-p99']) }),
    z.strictObject({
      /** CloudWatch metric math over the target group's metrics, e.g. `m1 / m2`. */
      expression: nonEmpty(),
      inputs: z
        .array(
          z.strictObject({
            id: matching(/^[a-z][a-zA-Z0-9_]*$/, 'must start with a lowercase letter'),
            namespace: nonEmpty(),
            metricName: nonEmpty(),
            stat: nonEmpty(),
          }),
        )
        .check(z.minLength(1)),
    }),
  ]);

  const alarmName = matching(/^[^\s].{0,254}$/, 'must be a CloudWatch alarm name');

  /**
   * An alarm Cutover creates, over the service's two target groups (the local cloud
   * creates it; on AWS, create it in your stack with the same name). A plain name
   * refers to an alarm that already exists.
   */
  const alarmDefinitionSchema = z.strictObject({
    name: alarmName,
    metric: z.enum(['error-rate', 'latency-p50', 'latency-p99', 'request-count']),
    threshold: z.number(),
    comparison: z._default(
      z.enum([
        'GreaterThanThreshold',
        'GreaterThanOrEqualToThreshold',
        'LessThanThreshold',
        'LessThanOrEqualToThreshold',
      ]),
      'GreaterThanThreshold',
    ),
    periodSeconds: z._default(
      z
        .int()
        .check(
          z.refine(
            (p) => p === 10 || p === 30 || (p >= 60 && p % 60 === 0),
            'must be 10, 30 or a multiple of 60',
          ),
        ),
      60,
    ),
    evaluationPeriods: z._default(intBetween(1, 100), 1),
    datapointsToAlarm: z.optional(intBetween(1, 100)),
    treatMissingData: z._default(z.enum(['missing', 'ignore', 'breaching', 'notBreaching']), 'notBreaching'),
    description: z.optional(z.string().check(z.maxLength(1024))),
  });

  /** AlarmSpec, of this function's own schema (the exported one is built from it). */
  type Spec = { name: string } | z.output<typeof alarmDefinitionSchema>;

  const percent = () => z.number().check(z.gte(0), z.lte(100));

  const analysisMetricSchema = z.strictObject({
    name: matching(/^[a-z][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and -'),
    source: metricSourceSchema,
    /** Which way is bad: `increase` fails a canary whose values rose. */
    direction: z._default(z.enum(['increase', 'decrease', 'either']), 'increase'),
    /** The mean ratio canary/baseline tolerated before a significant change counts. */
    allowedIncrease: z._default(z.number().check(z.gte(1)), 1.1),
    allowedDecrease: z._default(z.number().check(z.gt(0), z.lte(1)), 0.9),
    critical: z._default(z.boolean(), false),
    mustHaveData: z._default(z.boolean(), false),
    outliers: z._default(z.enum(['keep', 'remove']), 'keep'),
    group: z._default(nonEmpty(), 'default'),
    /** What this metric's failure does; the service's `analysis.onFail` when left out. */
    onFail: z.optional(z.enum(['rollback', 'pause'])),
  });

  const analysisSchema = z.strictObject({
    enabled: z._default(z.boolean(), false),
    thresholds: z._default(z.strictObject({ pass: percent(), marginal: percent() }), {
      pass: 95,
      marginal: 75,
    }),
    /** Weight of each metric group in the summary score, in percent; equal weights when omitted. */
    groupWeights: z.optional(z.record(z.string(), percent())),
    metrics: z.optional(z.array(analysisMetricSchema)),
    /** The judge: Kayenta's fixed-horizon Mann-Whitney, or the sequential one (docs/analysis.md). */
    method: z._default(z.enum(['mann-whitney', 'sequential']), 'mann-whitney'),
    /** The sequential judge's chance of failing a healthy release, over the whole rollout. */
    falseFailRate: z._default(z.number().check(z.gt(0), z.lte(0.2)), 0.01),
    /** A failed analysis rolls back, or pauses for a person as a marginal one does. */
    onFail: z._default(z.enum(['rollback', 'pause']), 'rollback'),
    /**
     * Judge the canary against a fresh task set of the stable revision, of the canary's size and
     * at its weight, behind `traffic.baselineTargetGroup` (docs/analysis.md, "A real baseline").
     */
    baseline: z._default(z.boolean(), false),
  });

  /** ALB's http-header condition: a header name of token characters, at most 40 long. */
  const headerName = matching(
    /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/,
    "must be an HTTP header name: letters, digits and !#$%&'*+.^_`|~-, at most 40",
  );
  const headerValue = matching(
    /^[\x21-\x7e](?:[\x20-\x7e]{0,126}[\x21-\x7e])?$/,
    'must be printable ASCII, at most 128 characters, not starting or ending with a space',
  );
  const cookieToken = matching(
    /^[A-Za-z0-9!#$%&'+.^_`|~-]{1,64}$/,
    "must be a cookie name: letters, digits and !#$%&'+.^_`|~-, at most 64 (no * or ?, which ALB reads as wildcards)",
  );
  const cookieValue = matching(
    /^[A-Za-z0-9!#$%&'()+./:<=>@[\]^_`{|}~-]{1,64}$/,
    'must be a cookie value: no spaces, quotes, commas, semicolons, backslashes, * or ?, at most 64',
  );
  /** How long the step sends matching requests to the new task set, and the rule's priority. */
  const headerStepCommon = {
    seconds: intBetween(60, TWO_DAYS),
    rulePriority: intBetween(1, 50_000),
  };
  const headerStepSchema = z.union([
    z.strictObject({
      header: headerName,
      values: z.array(headerValue).check(z.minLength(1), z.maxLength(4)),
      ...headerStepCommon,
    }),
    z.strictObject({ cookie: cookieToken, value: cookieValue, ...headerStepCommon }),
  ]);

  const serviceSchema = z.strictObject({
    ecs: z.strictObject({
      cluster: ecsName,
      service: ecsName,
      container: ecsName,
      // The roles the service's task definition runs with: registering a revision passes them
      // to ECS, and iam:PassRole is granted on these alone.
      taskRole: z.optional(iamRoleArn),
      executionRole: z.optional(iamRoleArn),
    }),
    traffic: z.strictObject({
      productionListenerRule: listenerOrRuleArn,
      testListenerRule: z.optional(listenerOrRuleArn),
      targetGroups: z.tuple([targetGroupArn, targetGroupArn]),
      /** The target group a baseline task set serves from (`analysis.baseline`). */
      baselineTargetGroup: z.optional(targetGroupArn),
    }),
    strategy: z.enum(STRATEGIES),
    preset: z.optional(z.enum(PRESET_NAMES)),
    schedule: z.optional(scheduleSpecSchema),
    /** Before any weighted traffic: only requests with this header or cookie reach the new task set. */
    headerStep: z.optional(headerStepSchema),
    rolling: z.optional(
      z.strictObject({
        batchPercent: z._default(intBetween(1, 100), 25),
        maxFailedTasks: z._default(z.int().check(z.gte(0)), 1),
      }),
    ),
    bakeSeconds: z._default(seconds(TWO_DAYS), 300),
    terminationWaitSeconds: z._default(seconds(TWO_DAYS), 300),
    alarms: z.pipe(
      // `{ name }` is what a plain name becomes: accepted too, so a parsed entry parses again unchanged.
      z._default(
        z.array(z.union([alarmName, alarmDefinitionSchema, z.strictObject({ name: alarmName })])),
        [],
      ),
      z.transform((list): Spec[] => list.map((a) => (typeof a === 'string' ? { name: a } : a))),
    ),
    analysis: z._default(analysisSchema, {
      enabled: false,
      thresholds: { pass: 95, marginal: 75 },
      method: 'mann-whitney',
      falseFailRate: 0.01,
      onFail: 'rollback',
      baseline: false,
    }),
    hooks: z._default(
      z.partialRecord(
        z.enum(HOOK_NAMES),
        z.union([
          lambdaFunction,
          z.strictObject({ function: lambdaFunction, afterRollback: z.optional(z.boolean()) }),
          webhook,
        ]),
      ),
      {},
    ),
    // The whole hook, every call of it: one that answers IN_PROGRESS is called again until it
    // answers, up to this long (24 h at most). Each call is one Lambda invocation of its own.
    hookTimeoutSeconds: z._default(intBetween(1, 86_400), 300),
    approval: z._default(
      z.strictObject({
        required: z._default(z.boolean(), false),
        timeoutSeconds: z._default(intBetween(60, 7 * 24 * 3600), 3600),
        /** Four eyes: whoever started a deployment may not approve it. */
        separateApprover: z._default(z.boolean(), false),
      }),
      { required: false, timeoutSeconds: 3600, separateApprover: false },
    ),
    images: z.strictObject({
      /** The ECR registry images must come from; by default the account and region of the service's listener rule. */
      registry: z.optional(registrySchema),
      repositories: z.array(ecrRepositoryName).check(z.minLength(1)),
      /** Pushes whose tag does not match are ignored. Defaults to every tag. */
      tagFilter: z._default(regexSource, '.*'),
      /** `deploy-index`: an untagged push of an image index (a multi-platform build pushed by digest) deploys. */
      untaggedPushes: z._default(z.enum(UNTAGGED_PUSHES), 'ignore'),
    }),
  });

  const catalogSchema = z.strictObject({
    version: z.literal(1, { error: 'must be 1, the only catalog version so far' }),
    services: z.record(
      matching(
        SERVICE_NAME,
        'service names are lowercase letters, digits and -, start with a letter, ≤ 40 long',
      ),
      serviceSchema,
    ),
    /** Read by the local cloud alone (catalog-local.ts). */
    local: z.optional(localSchema),
  });
  return {
    scheduleSpecSchema,
    alarmDefinitionSchema,
    analysisMetricSchema,
    analysisSchema,
    serviceSchema,
    catalogSchema,
  };
}

let built: ReturnType<typeof buildSchemas> | undefined;
const schemas = () => (built ??= buildSchemas());

export const scheduleSpecSchema = z.lazy(() => schemas().scheduleSpecSchema);
export const alarmDefinitionSchema = z.lazy(() => schemas().alarmDefinitionSchema);
export const analysisMetricSchema = z.lazy(() => schemas().analysisMetricSchema);
export const analysisSchema = z.lazy(() => schemas().analysisSchema);
export const serviceSchema = z.lazy(() => schemas().serviceSchema);
export const catalogSchema = z.lazy(() => schemas().catalogSchema);
/** The fields of a service entry, each with its own schema. */
export const serviceFields = () => schemas().serviceSchema.shape;

export type AlarmDefinition = z.output<typeof alarmDefinitionSchema>;
export type AlarmSpec = { name: string } | AlarmDefinition;

export type Catalog = z.output<typeof catalogSchema>;
export type ServiceEntry = z.output<typeof serviceSchema>;
export type AnalysisMetric = z.output<typeof analysisMetricSchema>;

/** The names of the alarms a service watches. */
export function alarmNames(entry: { alarms: readonly AlarmSpec[] }): string[] {
  return entry.alarms.map((a) => a.name);
}

/** The alarms Cutover creates (those given with a definition, not just a name). */
export function alarmDefinitions(entry: { alarms: readonly AlarmSpec[] }): AlarmDefinition[] {
  return entry.alarms.filter((a): a is AlarmDefinition => 'metric' in a);
}

function compiles(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
