// The canonical Retry, Catch and timeout of each kind of Task in statemachines/*.asl.json,
// and a checker that holds every Task to its kind. The ASL files stay the source people read
// (and the Step Functions console shows); test/statemachines/task-policy.test.ts runs this
// checker over them, so the many hand-written copies of a policy cannot drift apart.
// docs/state-machines.md ("Task kinds") describes the kinds.

import { parse, type CollectionTag, type ScalarTag } from 'yaml';

/** Lambda's own service errors, retried on every Task that invokes a function. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Lambda.ClientExecutionTimeoutException',
  // A function that crashed, ran out of memory or timed out: retried, as every handler is idempotent.
  // Step Functions' guide names all three Lambda.Unknown; Lambda's runtimes report a timeout as
  // Sandbox.Timedout, and so does the local cloud, so both names are retried.
  'Lambda.Unknown',
  'Sandbox.Timedout',
] as const;

/**
 * How much longer than its function's timeout a Task's TimeoutSeconds must be: Lambda's init
 * phase (up to 10 s, not counted in the function's timeout) plus scheduling and network time.
 */
export const TIMEOUT_MARGIN_SECONDS = 30;

/** The Serverless Framework's timeout when neither the function nor the provider sets one. */
const FRAMEWORK_DEFAULT_TIMEOUT_SECONDS = 6;

export const TASK_KINDS = [
  'start',
  'step',
  'hook',
  'webhook',
  'webhook-call',
  'verify',
  'approval',
  'bake',
  'rollback',
  'clean-up',
  'release',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

/** A Task's kind follows from the function it invokes; any function not named here is a `step`. */
const KIND_OF_FUNCTION: Readonly<Record<string, TaskKind>> = {
  'validate-input': 'start',
  'acquire-lock': 'start',
  'run-hook': 'hook',
  'request-approval': 'approval',
  'start-bake': 'bake',
  'roll-back': 'rollback',
  'clean-up': 'clean-up',
  'release-lock': 'release',
};

interface Catcher {
  ErrorEquals: string[];
  ResultPath?: string | null;
  Next: string;
}

const to = (next: string, ...errors: string[]): Catcher => ({
  ErrorEquals: errors,
  ResultPath: '$.error',
  Next: next,
});
const rollBackOn = (...errors: string[]) => to('RollBack', ...errors);
const LOCK_LOST = to('LockLost', 'LockLost');

/** The input may be any JSON, not an object a path can extend: the error replaces it (no ResultPath). */
const invalid = (error: string): Catcher => ({ ErrorEquals: [error], Next: 'InputInvalid' });

/** Before the lock is held nothing has changed, so each outcome ends the run in a state of its own. */
const START_CATCH: Readonly<Record<string, Catcher[]>> = {
  'validate-input': [invalid('DeploymentRequestInvalid'), invalid('States.ALL')],
  'acquire-lock': [
    to('Queued', 'DeploymentQueued'),
    to('StalePushIgnored', 'StalePush'),
    to('Busy', 'DeploymentInProgress'),
    to('CouldNotStart', 'States.ALL'),
  ],
};

/** A marginal judgement waits for a person, keeping the state as it was. */
const ASK_A_PERSON: Catcher = {
  ErrorEquals: ['AnalysisMarginal'],
  ResultPath: null,
  Next: 'WaitForAnalysisDecision',
};

/** The named errors a step's function throws, caught between LockLost and States.ALL. */
const STEP_OWN_ERRORS: Readonly<Record<string, Catcher[]>> = {
  'check-alarms': [rollBackOn('AlarmAlreadyFiring')],
  'create-task-set': [rollBackOn('TaskSetUnhealthy')],
  'check-task-set': [rollBackOn('TaskSetUnhealthy')],
  'allow-test-traffic': [rollBackOn('TrafficVerificationFailed')],
  // It judges the bake before the shift (engine/traffic.ts), as analyze does blue-green's final bake.
  'shift-traffic': [ASK_A_PERSON, rollBackOn('TrafficVerificationFailed', 'AnalysisFailed')],
  analyze: [ASK_A_PERSON, rollBackOn('AnalysisFailed', 'DeploymentAborted')],
};

/** `file function`: where a step's function throws fewer of its errors than elsewhere. */
const OWN_ERRORS_IN_FILE: Readonly<Record<string, Catcher[]>> = {
  // Blue-green's one shift follows no bake, so it judges nothing (Analyze judges its final bake).
  'blue-green.asl.json shift-traffic': [rollBackOn('TrafficVerificationFailed')],
};

/** The Succeed state a promoted run ends in when its lock could not be freed. */
const PROMOTED_LOCK_HELD = 'PromotedLockHeld';

const retrier = (maxAttempts: number, maxDelaySeconds: number) => [
  {
    ErrorEquals: [...LAMBDA_SERVICE_ERRORS, 'TransientError'],
    IntervalSeconds: 2,
    MaxAttempts: maxAttempts,
    BackoffRate: 2,
    MaxDelaySeconds: maxDelaySeconds,
    JitterStrategy: 'FULL',
  },
];

/** The Retry every kind uses; a rollback tries harder, as giving up leaves a person to finish it. */
export function canonicalRetry(kind: TaskKind): unknown[] {
  return kind === 'rollback' ? retrier(10, 300) : retrier(6, 60);
}

/** The Catch of a Task of this kind invoking `fn` in `file`; `next` is the Task's own Next. */
export function canonicalCatch(kind: TaskKind, fn: string, next: string | undefined, file = ''): Catcher[] {
  const rollBack = rollBackOn('States.ALL');
  switch (kind) {
    case 'start':
      return START_CATCH[fn] ?? [];
    case 'step':
      return [LOCK_LOST, ...(OWN_ERRORS_IN_FILE[`${file} ${fn}`] ?? STEP_OWN_ERRORS[fn] ?? []), rollBack];
    case 'hook':
    case 'webhook':
      return [LOCK_LOST, rollBackOn('HookFailed', 'States.Timeout'), rollBack];
    case 'verify':
      // A rollback's check never blocks it: any error goes on to release the lock, kept beside it.
      return [{ ErrorEquals: ['States.ALL'], ResultPath: '$.verificationError', Next: next ?? '(no Next)' }];
    case 'webhook-call':
      return [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.progress.hookAnswer', Next: next ?? '(no Next)' },
      ];
    case 'approval':
      return [LOCK_LOST, rollBackOn('DeploymentAborted', 'States.Timeout'), rollBack];
    case 'bake':
      // The bake's timeout is the bake passing: it goes on as if the token had succeeded.
      return [
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: next ?? '(the Task has no Next)' },
        LOCK_LOST,
        rollBackOn('AlarmFired', 'DeploymentAborted'),
        rollBack,
      ];
    case 'rollback':
      return [{ ErrorEquals: ['States.ALL'], ResultPath: '$.rollbackError', Next: 'RollbackFailed' }];
    case 'clean-up':
      return [to('ReleaseLockAfterCleanUpFailure', 'States.ALL')];
    case 'release':
      // Kept beside the error that led here, never in its place; the run ends as it would have
      // (a release that ends a promoted run: in a Succeed state that says the lock is held).
      return [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: next ?? PROMOTED_LOCK_HELD },
      ];
  }
}

export interface LambdaFunction {
  /** As serverless.yml names it, e.g. `roll-back`. */
  name: string;
  timeoutSeconds: number;
}

/** serverless.yml's functions by CloudFormation logical id (`RollDashbackLambdaFunction`), with their timeouts. */
export function lambdaFunctions(serverlessYml: string): Map<string, LambdaFunction> {
  const doc = parse(serverlessYml, { customTags: CLOUDFORMATION_TAGS }) as {
    provider?: { timeout?: number };
    functions?: Record<string, { timeout?: number } | null>;
  };
  const fallback = doc.provider?.timeout ?? FRAMEWORK_DEFAULT_TIMEOUT_SECONDS;
  return new Map(
    Object.entries(doc.functions ?? {}).map(([name, fn]) => [
      logicalIdOf(name),
      { name, timeoutSeconds: fn?.timeout ?? fallback },
    ]),
  );
}

/** The framework's logical id of a function: `roll-back` → `RollDashbackLambdaFunction`. */
export function logicalIdOf(name: string): string {
  const normalized = name.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** CloudFormation's short forms (`!Ref X`), read as opaque values: only the functions' timeouts matter here. */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = [
  'Ref',
  'GetAtt',
  'Join',
  'Sub',
  'If',
  'Select',
  'Split',
].flatMap(
  (name) =>
    (['scalar', 'seq', 'map'] as const).map((kind) => ({
      tag: `!${name}`,
      ...(kind === 'scalar' ? {} : { collection: kind }),
      resolve: () => ({ [`Fn::${name}`]: '(opaque)' }),
    })) as (ScalarTag | CollectionTag)[],
);

const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const HTTP_INVOKE = 'arn:aws:states:::http:invoke';
const INVOKE = 'arn:aws:states:::lambda:invoke';

type State = Record<string, unknown>;

/**
 * Every Task of one state machine checked against its kind's policy; each problem names the
 * file, the state and the difference. `functions` is lambdaFunctions(serverless.yml).
 */
export function checkMachine(file: string, asl: unknown, functions: Map<string, LambdaFunction>): string[] {
  return tasksOf(asl).flatMap(([name, state]) => {
    const where = `${file} › ${name}`;
    if (state.Resource === HTTP_INVOKE)
      return httpCallProblems(state).map((p) => `${where} (webhook call): ${p}`);
    const target = targetOf(state);
    if (typeof target === 'string') return [`${where}: ${target}`];
    const fn = functions.get(target.logicalId);
    if (fn === undefined) {
      return [`${where}: invokes ${target.logicalId}, which is no function in serverless.yml; fix the name`];
    }
    const kind = kindOf(fn.name, state);
    const label = `${where} (${kind} Task, ${fn.name})`;
    const next = typeof state.Next === 'string' ? state.Next : undefined;
    return [
      ...differences(canonicalRetry(kind), state.Retry, 'Retry').map((d) => `${label}: ${d}`),
      ...differences(canonicalCatch(kind, fn.name, next, file), state.Catch, 'Catch').map(
        (d) => `${label}: ${d}`,
      ),
      ...timeoutProblems(kind, state, fn, target.waitForToken).map((p) => `${label}: ${p}`),
    ];
  });
}

/** Where each bake time's safety-net timeout (the bake, then a margin) is kept. */
const BAKE_TIMEOUT_PATHS: Readonly<Record<string, string>> = {
  '$.progress.cursor.bakeSeconds': '$.progress.cursor.bakeTimeoutSeconds',
  '$.spec.settings.bakeSeconds': '$.spec.plan.finalBakeTimeoutSeconds',
};

/** Item 1 of the rule: a Task outlasts its function, unless it is a wait whose timeout means something. */
function timeoutProblems(kind: TaskKind, state: State, fn: LambdaFunction, waitForToken: boolean): string[] {
  const waits = kind === 'approval' || kind === 'bake' || kind === 'hook';
  if (waits !== waitForToken) {
    return [
      waits
        ? `${fn.name} hands out a task token: invoke it with ${WAIT_FOR_TOKEN}`
        : `${fn.name} does not hand out a task token: do not invoke it with ${WAIT_FOR_TOKEN}`,
    ];
  }
  const path = state.TimeoutSecondsPath;
  const expectPath = (wanted: unknown, what: string) =>
    typeof wanted === 'string' && path === wanted
      ? []
      : [`TimeoutSecondsPath is ${JSON.stringify(path)}; it must be ${JSON.stringify(wanted)}, ${what}`];
  if (kind === 'hook') return expectPath('$.spec.settings.hookTimeoutSeconds', "the hook's own deadline");
  if (kind === 'approval')
    return expectPath('$.spec.settings.approval.timeoutSeconds', 'the approval timeout');
  if (kind === 'bake') {
    // A bake's schedule ends it on time; its timeout is the safety net, a margin past the bake
    // time its payload passes as bakeSeconds (domain/bake-schedule.ts).
    const payload = (state.Parameters as { Payload?: Record<string, unknown> } | undefined)?.Payload;
    const bake = payload?.['bakeSeconds.$'];
    return expectPath(
      typeof bake === 'string' ? BAKE_TIMEOUT_PATHS[bake] : undefined,
      `the safety net past the bake time its payload passes as bakeSeconds (${String(bake)})`,
    );
  }
  const seconds = state.TimeoutSeconds;
  if (path !== undefined || typeof seconds !== 'number') {
    return [`set TimeoutSeconds to a number (at least ${fn.timeoutSeconds + TIMEOUT_MARGIN_SECONDS})`];
  }
  const retriesTimeout = (state.Retry as { ErrorEquals?: string[] }[] | undefined)?.some((r) =>
    r.ErrorEquals?.includes('States.Timeout'),
  );
  if (seconds >= fn.timeoutSeconds + TIMEOUT_MARGIN_SECONDS || retriesTimeout === true) return [];
  return [
    `TimeoutSeconds ${seconds} does not outlast ${fn.name}'s Lambda timeout (${fn.timeoutSeconds} s in serverless.yml) ` +
      `by ${TIMEOUT_MARGIN_SECONDS} s, and States.Timeout is not retried: a slow run would fail while it is still ` +
      `running. Set TimeoutSeconds to at least ${fn.timeoutSeconds + TIMEOUT_MARGIN_SECONDS}.`,
  ];
}

/** A Task's kind, or undefined when the function it invokes cannot be told. */
export function kindOfTask(state: State, functions: Map<string, LambdaFunction>): TaskKind | undefined {
  if (state.Resource === HTTP_INVOKE) return 'webhook-call';
  const target = targetOf(state);
  const fn = typeof target === 'string' ? undefined : functions.get(target.logicalId);
  return fn === undefined ? undefined : kindOf(fn.name, state);
}

/**
 * run-hook asked to prepare or judge a webhook's call (engine/webhooks.ts), or to verify a
 * rollback (engine/rollback-verification.ts); otherwise it runs a function hook.
 */
function kindOf(fn: string, state: State): TaskKind {
  const parameters = (state.Parameters ?? {}) as Record<string, unknown>;
  const webhook = parameters.prepare === true || 'answer.$' in parameters;
  if (fn === 'run-hook' && parameters.afterRollback === true) return 'verify';
  return fn === 'run-hook' && webhook ? 'webhook' : (KIND_OF_FUNCTION[fn] ?? 'step');
}

/** A webhook's socket errors are retried twice; any error is its answer, judged by the Task after it. */
const HTTP_CALL_RETRY = [
  { ErrorEquals: ['States.Http.Socket'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2 },
];
/** Past Step Functions' own 60 seconds for an HTTP request, with the retries' intervals. */
const HTTP_CALL_TIMEOUT_SECONDS = 90;

function httpCallProblems(state: State): string[] {
  const next = typeof state.Next === 'string' ? state.Next : undefined;
  return [
    ...differences(HTTP_CALL_RETRY, state.Retry, 'Retry'),
    ...differences(canonicalCatch('webhook-call', 'http', next), state.Catch, 'Catch'),
    ...(state.TimeoutSeconds === HTTP_CALL_TIMEOUT_SECONDS
      ? []
      : [
          `TimeoutSeconds is ${JSON.stringify(state.TimeoutSeconds)}; it must be ${HTTP_CALL_TIMEOUT_SECONDS}`,
        ]),
  ];
}

/** The function a Task invokes, by logical id, or why that cannot be told. */
function targetOf(state: State): { logicalId: string; waitForToken: boolean } | string {
  const resource = state.Resource;
  const integrated = resource === INVOKE || resource === WAIT_FOR_TOKEN;
  const ref = integrated
    ? (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName
    : resource;
  const getAtt = (ref as { 'Fn::GetAtt'?: unknown } | null | undefined)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && getAtt[1] === 'Arn') {
    return { logicalId: getAtt[0], waitForToken: resource === WAIT_FOR_TOKEN };
  }
  return (
    `cannot tell which serverless.yml function ${JSON.stringify(ref)} is: name it as ` +
    `{"Fn::GetAtt": ["<Name>LambdaFunction", "Arn"]} (in Parameters.FunctionName for ${INVOKE})`
  );
}

/** Every Task state, also inside Parallel branches and Map processors. */
export function tasksOf(machine: unknown): [string, State][] {
  const states = (machine as { States?: Record<string, State> }).States ?? {};
  return Object.entries(states).flatMap(([name, state]): [string, State][] => [
    ...(state.Type === 'Task' ? [[name, state] as [string, State]] : []),
    ...[state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[] | undefined) ?? [])]
      .filter((inner) => inner !== undefined)
      .flatMap(tasksOf),
  ]);
}

/** Where `actual` differs from `expected`, one line per difference, each starting with its path. */
export function differences(expected: unknown, actual: unknown, path: string): string[] {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (path.endsWith('ErrorEquals')) {
      const missing = expected.filter((e: unknown) => !actual.includes(e));
      const extra = actual.filter((a: unknown) => !expected.includes(a));
      const lines = [
        ...missing.map((e) => `${path}: missing ${JSON.stringify(e)}`),
        ...extra.map((a) => `${path}: unexpected ${JSON.stringify(a)}`),
      ];
      if (lines.length > 0 || JSON.stringify(expected) === JSON.stringify(actual)) return lines;
      return [`${path}: expected the order ${JSON.stringify(expected)}, found ${JSON.stringify(actual)}`];
    }
    return Array.from({ length: Math.max(expected.length, actual.length) }, (_, i) =>
      i >= actual.length
        ? [`${path}[${i}]: missing, expected ${JSON.stringify(expected[i])}`]
        : i >= expected.length
          ? [`${path}[${i}]: unexpected ${JSON.stringify(actual[i])}`]
          : differences(expected[i], actual[i], `${path}[${i}]`),
    ).flat();
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
    return keys.flatMap((key) =>
      !(key in actual)
        ? [`${path}.${key}: missing, expected ${JSON.stringify(expected[key])}`]
        : !(key in expected)
          ? [`${path}.${key}: unexpected ${JSON.stringify(actual[key])}`]
          : differences(expected[key], actual[key], `${path}.${key}`),
    );
  }
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  return [`${path}: expected ${JSON.stringify(expected)}, found ${JSON.stringify(actual) ?? 'nothing'}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
