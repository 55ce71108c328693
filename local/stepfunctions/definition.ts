// Prepares an ASL file from statemachines/ to run locally with aws-local-stepfunctions.
// The states, their order, paths, Retry and Catch stay exactly as written; what
// changes is how a state reaches the outside world:
// - A Task's Lambda resource ({"Fn::GetAtt": [...]} or lambda:invoke.waitForTaskToken)
//   becomes a local function call, bound by name to a handler in functions/.
// - An HTTP Task (`arn:aws:states:::http:invoke`) keeps its Parameters, which the library
//   resolves; the runner makes the request (http-task.ts).
// - `$$.Task.Token` becomes a marker that the runner replaces with a real token.
// - Timeouts (TimeoutSeconds, TimeoutSecondsPath) and Wait states are carried as
//   parameters and measured by the local clock, so a speed factor applies to them.

export type StateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

export interface LocalTask {
  kind: 'invoke' | 'token' | 'wait' | 'http';
  /** The function in functions/, e.g. `shift-traffic`; empty for waits and HTTP Tasks. */
  fn: string;
}

export interface PreparedDefinition {
  definition: Record<string, unknown>;
  /** How each Task state (after preparation) reaches its function. */
  tasks: Map<string, LocalTask>;
  /** Each state's type as written, for history events: Wait states run as Tasks here. */
  types: Map<string, StateType>;
}

export const TOKEN_MARKER = '__cutover_local_task_token__';
/** Longer than anything local ever waits; the runner's own timeouts are the real ones. */
const LIBRARY_TIMEOUT_SECONDS = 2_000_000;
const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const INVOKE = 'arn:aws:states:::lambda:invoke';
export const HTTP_INVOKE = 'arn:aws:states:::http:invoke';

type State = Record<string, unknown>;

export function prepareDefinition(asl: unknown): PreparedDefinition {
  const definition = structuredClone(asl) as Record<string, unknown>;
  const tasks = new Map<string, LocalTask>();
  const types = new Map<string, StateType>();
  visitStates(definition, (name, state) => {
    types.set(name, state.Type as StateType);
    if (state.Type === 'Task') tasks.set(name, prepareTask(name, state));
    if (state.Type === 'Wait') {
      prepareWait(state);
      tasks.set(name, { kind: 'wait', fn: '' });
    }
  });
  return { definition, tasks, types };
}

/** `AcquireDashlockLambdaFunction` → `acquire-lock` (the reverse of the framework's naming). */
export function functionNameFromLogicalId(logicalId: string): string {
  const base = logicalId.replace(/LambdaFunction$/, '');
  return base
    .split('Dash')
    .map((part) => part.replace(/Underscore/g, '_'))
    .map((part) => part.charAt(0).toLowerCase() + part.slice(1))
    .join('-');
}

function visitStates(machine: Record<string, unknown>, visit: (name: string, state: State) => void): void {
  const states = machine.States as Record<string, State>;
  for (const [name, state] of Object.entries(states)) {
    visit(name, state);
    for (const inner of [state.Iterator, state.ItemProcessor]) {
      if (inner !== undefined) visitStates(inner as Record<string, unknown>, visit);
    }
    for (const branch of (state.Branches as Record<string, unknown>[] | undefined) ?? [])
      visitStates(branch, visit);
  }
}

function prepareTask(name: string, state: State): LocalTask {
  const resource = state.Resource;
  let task: LocalTask;
  let payload: unknown;
  if (resource === HTTP_INVOKE) {
    checkHttpParameters(name, state.Parameters);
    task = { kind: 'http', fn: '' };
    payload = state.Parameters;
  } else if (resource === WAIT_FOR_TOKEN || resource === INVOKE) {
    const parameters = state.Parameters as {
      FunctionName?: unknown;
      Payload?: unknown;
      'Payload.$'?: string;
    };
    task = {
      kind: resource === WAIT_FOR_TOKEN ? 'token' : 'invoke',
      fn: functionOf(name, parameters.FunctionName),
    };
    payload =
      parameters['Payload.$'] !== undefined ? { '__payload.$': parameters['Payload.$'] } : parameters.Payload;
  } else {
    task = { kind: 'invoke', fn: functionOf(name, resource) };
    payload = state.Parameters;
  }
  const wrapped: Record<string, unknown> =
    payload === undefined
      ? { '__payload.$': '$' }
      : isPathOnly(payload)
        ? { ...(payload as Record<string, unknown>) }
        : { __payload: replaceToken(payload) };
  if (state.TimeoutSecondsPath !== undefined) wrapped['__timeoutSeconds.$'] = state.TimeoutSecondsPath;
  else if (state.TimeoutSeconds !== undefined) wrapped.__timeoutSeconds = state.TimeoutSeconds;
  state.Parameters = wrapped;
  delete state.TimeoutSecondsPath;
  delete state.HeartbeatSeconds;
  delete state.HeartbeatSecondsPath;
  state.TimeoutSeconds = LIBRARY_TIMEOUT_SECONDS;
  state.Resource = `arn:aws:lambda:us-east-1:000000000000:function:${task.fn || 'local-http-invoke'}`;
  return task;
}

/** What Step Functions checks of an HTTP Task when the state machine is created. */
function checkHttpParameters(stateName: string, parameters: unknown): void {
  const given = (p: Record<string, unknown>, field: string) =>
    p[field] !== undefined || p[`${field}.$`] !== undefined;
  const problem =
    parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)
      ? 'has no Parameters'
      : !given(parameters as Record<string, unknown>, 'ApiEndpoint')
        ? 'has no ApiEndpoint'
        : !given(parameters as Record<string, unknown>, 'Method')
          ? 'has no Method'
          : ['Authentication', 'InvocationConfig'].filter((f) =>
                given(parameters as Record<string, unknown>, f),
              ).length !== 1
            ? 'needs a ConnectionArn in exactly one of Authentication and InvocationConfig'
            : undefined;
  if (problem !== undefined) throw new Error(`state ${stateName}: an HTTP Task (${HTTP_INVOKE}) ${problem}`);
}

function prepareWait(state: State): void {
  const parameters: Record<string, unknown> = {};
  if (state.Seconds !== undefined) parameters.__seconds = state.Seconds;
  if (state.SecondsPath !== undefined) parameters['__seconds.$'] = state.SecondsPath;
  if (state.Timestamp !== undefined) parameters.__timestamp = state.Timestamp;
  if (state.TimestampPath !== undefined) parameters['__timestamp.$'] = state.TimestampPath;
  for (const key of ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath']) delete state[key];
  Object.assign(state, {
    Type: 'Task',
    Resource: 'arn:aws:lambda:us-east-1:000000000000:function:local-wait',
    Parameters: parameters,
    TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS,
    // A Wait passes its input through unchanged.
    ResultPath: null,
  });
}

function functionOf(stateName: string, resource: unknown): string {
  const getAtt = (resource as { 'Fn::GetAtt'?: unknown } | null)?.['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return functionNameFromLogicalId(getAtt[0]);
  if (typeof resource === 'string') {
    const match = /function:([A-Za-z0-9_-]+)/.exec(resource);
    if (match?.[1] !== undefined) return match[1];
    if (!resource.startsWith('arn:')) return resource;
  }
  throw new Error(
    `state ${stateName}: cannot tell which function its resource ${JSON.stringify(resource)} is`,
  );
}

function isPathOnly(payload: unknown): boolean {
  return payload !== null && typeof payload === 'object' && '__payload.$' in payload;
}

function replaceToken(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceToken);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key.endsWith('.$') && inner === '$$.Task.Token') out[key.slice(0, -2)] = TOKEN_MARKER;
    else out[key] = replaceToken(inner);
  }
  return out;
}
