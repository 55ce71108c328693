// web's BeforeAllowTraffic hook: a smoke test of the new task set, before it takes any production
// traffic. It is small on purpose: copy it, and change CHECKS to what your service must answer.
//
// Cutover invokes it with the deployment's event, {deploymentId, service, hook, image,
// testListenerRule}. It sends requests through the test listener rule, which forwards to the new
// task set alone, and answers in Cutover's contract: {status: 'Succeeded', message} when every
// request answered 200, {status: 'Failed', message} naming the first that did not. Any other
// answer, or a throw, fails the hook too (docs/catalog.md#hook-contracts); a failed hook rolls
// the deployment back, with its message as the reason.
//
// Where the requests go:
// - on AWS, to TEST_LISTENER_URL, the test listener's URL (e.g. https://web.internal:8443);
// - on the local cloud, to CUTOVER_LOCAL_LOAD_BALANCER, its load balancer, which takes the listener
//   rule in the path (docs/local-cloud.md#lifecycle-hooks).
//
// Lambda calls `handler`, made from process.env. The local cloud calls `createHandler` with the
// function's own environment instead (catalog `local.functions`: docs/catalog.md#local).

export interface HookEvent {
  deploymentId: string;
  service: string;
  hook: string;
  image: string;
  /** Present when the service has a test listener. */
  testListenerRule?: string;
}

export interface HookAnswer {
  status: 'Succeeded' | 'Failed';
  message: string;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The requests the new task set must answer with 200: its smoke-test endpoint, once per task or
 * so. Only that endpoint: it answers the same every time, so the verdict does not depend on which
 * requests happened to fail. Errors under load are what the alarms watch, once traffic moves.
 */
const CHECKS = ['/smoke', '/smoke', '/smoke', '/smoke', '/smoke'];
/** Real time, whatever the local cloud's clock: a task that does not answer fails the check. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How much of an answer's body a failure message quotes. */
const QUOTED_CHARACTERS = 300;

export function createHandler(env: Environment) {
  return async function smokeTest(event: HookEvent): Promise<HookAnswer> {
    const base = testTrafficUrl(env, event);
    if (typeof base !== 'string') return { status: 'Failed', message: base.missing };
    for (const path of CHECKS) {
      const answer = await get(`${base}${path}`);
      if (answer.status !== 200) {
        const from = answer.task === undefined ? '' : ` from task ${answer.task.split('/').at(-1)}`;
        return {
          status: 'Failed',
          message: `smoke test: GET ${path} answered ${answer.status}${from}: ${answer.said}`,
        };
      }
    }
    return { status: 'Succeeded', message: `${CHECKS.length} requests to the new task set answered 200` };
  };
}

export const handler = createHandler(process.env);

/** The test listener's URL, or why there is none. */
function testTrafficUrl(env: Environment, event: HookEvent): string | { missing: string } {
  if (env.TEST_LISTENER_URL) return env.TEST_LISTENER_URL.replace(/\/$/, '');
  const local = env.CUTOVER_LOCAL_LOAD_BALANCER;
  if (local && event.testListenerRule) return `${local}/rules/${encodeURIComponent(event.testListenerRule)}`;
  if (!event.testListenerRule) {
    return {
      missing:
        `${event.service} has no traffic.testListenerRule in the catalog: the smoke test ` +
        'reaches the new task set through its test listener',
    };
  }
  return { missing: 'set TEST_LISTENER_URL to the test listener URL, e.g. https://web.internal:8443' };
}

interface Answer {
  /** The HTTP status, or 0 when none came. */
  status: number;
  said: string;
  task?: string | undefined;
}

async function get(url: string): Promise<Answer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await response.text();
    return {
      status: response.status,
      said: errorIn(text),
      task: response.headers.get('x-cutover-task') ?? undefined,
    };
  } catch (error) {
    // fetch's own error says only "fetch failed"; its cause says why (ECONNREFUSED, a timeout).
    const cause = (error as { cause?: unknown }).cause;
    return { status: 0, said: `no answer: ${cause instanceof Error ? cause.message : String(error)}` };
  }
}

/** The `error` of a JSON answer, or the start of the text. */
function errorIn(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return body.error.slice(0, QUOTED_CHARACTERS);
  } catch {
    // not JSON: quote the text
  }
  return JSON.stringify(text.slice(0, QUOTED_CHARACTERS));
}
