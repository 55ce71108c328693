// Webhooks through the real ASL and handlers: web's BeforeAllowTraffic hook is an HTTP endpoint
// (a local server here), called by the state machine's own HTTP Task through an EventBridge
// connection, and judged by run-hook in the contracts a function's answer is read in. Every
// path: passed, failed, IN_PROGRESS then passed (hookDetails passed back), IN_PROGRESS past
// hookTimeoutSeconds, an answer in no contract, an answer outside 2xx, no answer, and an abort
// while the hook waits.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Connection } from '../../local/aws/eventbridge-connections.js';
import { httpInvoker, type HttpInvoker } from '../../local/stepfunctions/http-task.js';
import type { LocalExecution } from '../../local/stepfunctions/run.js';
import {
  createWorld,
  DIGEST,
  REGISTRY,
  seedService,
  settle,
  start,
  statesEntered,
  type World,
} from '../../harness/engine.js';
import { readFileSync } from 'node:fs';
import { abort } from '../../shared/engine/operator.js';
import {
  startWebhookEndpoint,
  type EndpointAnswer,
  type WebhookEndpoint,
} from '../support/webhook-endpoint.js';

const CONNECTION =
  'arn:aws:events:us-east-1:123456789012:connection/web-smoke/6f1e2d3c-aaaa-4bbb-8ccc-0123456789ab';
const connection: Connection = {
  name: 'web-smoke',
  arn: CONNECTION,
  secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:events!connection/web-smoke/6f1e-AbCdEf',
  authorization: { type: 'API_KEY', apiKeyName: 'x-smoke-key', apiKeyValue: 'hook-secret' },
  invocation: { headers: [], query: [], body: [] },
  createdAt: 0,
};

let endpoint: WebhookEndpoint;
let base: string;
/** What each call sent. */
let calls: WebhookEndpoint['calls'];
/** What the endpoint answers its nth call (from 1). */
let answer: (n: number) => EndpointAnswer;

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  base = endpoint.base;
  calls = endpoint.calls;
  endpoint.answer = (n) => answer(n);
});
afterAll(() => endpoint.close());
beforeEach(() => {
  calls.length = 0;
});

/** The demo catalog with web's BeforeAllowTraffic hook a webhook, and `timeout` seconds for it. */
function webhookWorld(timeout = 300): World {
  const text = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8').replace(
    '      BeforeAllowTraffic: web-smoke-test\n',
    `      BeforeAllowTraffic: { url: '${base}/smoke', connection: '${CONNECTION}' }\n    hookTimeoutSeconds: ${timeout}\n`,
  );
  const world = createWorld(text);
  seedService(world, 'web');
  return world;
}

/** The HTTP Tasks' requests, counted, so the clock waits for them as it would not for a timer. */
function countedHttp(): { http: HttpInvoker; inFlight: () => number } {
  let inFlight = 0;
  const real = httpInvoker({
    region: 'us-east-1',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-canary',
    connection: (arn) => (arn === CONNECTION ? connection : undefined),
    authorize: () => null,
  });
  return {
    inFlight: () => inFlight,
    http: async (parameters, signal) => {
      inFlight += 1;
      try {
        return await real(parameters, signal);
      } finally {
        inFlight -= 1;
      }
    },
  };
}

/** Runs web's deployment to its end (or until `until`), the clock jumping only while no request is out. */
async function run(world: World, until?: (execution: LocalExecution) => boolean | Promise<boolean>) {
  const { http, inFlight } = countedHttp();
  const image = `${REGISTRY}/web@${DIGEST(2)}`;
  const execution = start(world, 'canary', { service: 'web', image }, 'web-run', { http });
  for (let step = 0; step < 5_000 && execution.status === 'RUNNING'; step += 1) {
    await settle();
    if ((await until?.(execution)) === true) return execution;
    // What `until` did (an abort, say) takes effect before the clock moves.
    await settle();
    if (execution.status !== 'RUNNING') break;
    if (inFlight() > 0) await new Promise((resolve) => setTimeout(resolve, 2));
    else if (!world.clock.advanceToNextTimer()) await settle(50);
  }
  await execution.done;
  return execution;
}

const record = (world: World) => world.deployments.items.get('web-run')!;
const inProgress = (details: Record<string, unknown>, delay = 20) => ({
  status: 200,
  body: { hookStatus: 'IN_PROGRESS', callBackDelay: delay, hookDetails: details },
});

describe('a webhook hook', () => {
  it('passes: called once through the HTTP Task with the connection, then traffic shifts', async () => {
    answer = () => ({ status: 200, body: { status: 'Succeeded', message: 'smoke test passed' } });
    const world = webhookWorld();
    const execution = await run(world);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers['x-smoke-key']).toBe('hook-secret');
    expect(calls[0]!.body).toEqual({
      deploymentId: 'web-run',
      service: 'web',
      hook: 'BeforeAllowTraffic',
      image: `${REGISTRY}/web@${DIGEST(2)}`,
    });
    const entered = statesEntered(execution);
    const at = entered.indexOf('BeforeAllowTrafficWebhook');
    expect(entered.slice(at, at + 5)).toEqual([
      'BeforeAllowTrafficWebhook',
      'CallBeforeAllowTraffic',
      'JudgeBeforeAllowTraffic',
      'BeforeAllowTrafficAgain?',
      'ShiftTraffic',
    ]);
    expect(entered).not.toContain('BeforeAllowTraffic');
    expect(record(world).hookResults).toEqual([
      expect.objectContaining({
        hook: 'BeforeAllowTraffic',
        status: 'Succeeded',
        calls: 1,
        message: 'smoke test passed',
      }),
    ]);
    const resource = execution.history.find(
      (e) => e.type === 'TaskScheduled' && JSON.stringify(e).includes('http'),
    );
    expect(resource).toBeDefined();
  });

  it('answering IN_PROGRESS three times, then SUCCEEDED, passes: each call after its callBackDelay, with the last hookDetails', async () => {
    answer = (n) =>
      n <= 3 ? inProgress({ checked: n }, 20 * n) : { status: 200, body: { hookStatus: 'SUCCEEDED' } };
    const world = webhookWorld();
    const times: number[] = [];
    const execution = await run(world, () => {
      if (times.length < calls.length) times.push(world.clock.now());
      return false;
    });
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(calls.map((c) => c.body.hookDetails)).toEqual([
      undefined,
      { checked: 1 },
      { checked: 2 },
      { checked: 3 },
    ]);
    const waits = statesEntered(execution).filter((s) => s === 'WaitBeforeAllowTraffic');
    expect(waits).toHaveLength(3);
    const gaps = times.slice(1).map((t, i) => Math.round((t - times[i]!) / 1000));
    expect(gaps).toEqual([20, 40, 60]);
    expect(record(world).hookResults).toEqual([expect.objectContaining({ status: 'Succeeded', calls: 4 })]);
  });

  it('answering IN_PROGRESS until hookTimeoutSeconds ends fails as timed out, with no call past it, before any production traffic', async () => {
    answer = (n) => inProgress({ n }, 40);
    const world = webhookWorld(100);
    const execution = await run(world);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toBe('hook BeforeAllowTraffic timed out');
    // Calls at 0, 40 and 80 s; the one due at 120 s is past the 100 s deadline and never made.
    expect(calls).toHaveLength(3);
    expect(record(world).hookResults).toEqual([expect.objectContaining({ status: 'Failed', calls: 3 })]);
    expect(world.ledger.records('web').at(-1)).toMatchObject({
      type: 'Aborted',
      detail: {
        reason: { kind: 'hook', hook: 'BeforeAllowTraffic', message: 'hook BeforeAllowTraffic timed out' },
      },
    });
    expect(statesEntered(execution)).not.toContain('ShiftTraffic');
  });

  it.each([
    [
      '{} (no contract)',
      { status: 200, body: {} },
      /failed: the hook answered \{\}, which is neither Cutover's/,
    ],
    [
      'Failed',
      { status: 200, body: { status: 'Failed', message: 'checkout is down' } },
      /failed: checkout is down$/,
    ],
    ['ECS FAILED', { status: 200, body: { hookStatus: 'FAILED' } }, /failed: /],
    ['HTTP 500', { status: 500, body: { error: 'boom' } }, /failed: answered HTTP 500: \{"error":"boom"\}$/],
    ['a text body', { status: 200, body: 'OK' }, /failed: the hook answered "OK"/],
  ] as const)(
    'answering %s fails it, quoting the answer, and rolls back before any traffic',
    async (_, given, reason) => {
      answer = () => given;
      const world = webhookWorld();
      const execution = await run(world);
      expect(execution.error).toBe('Aborted');
      expect(execution.cause).toMatch(/^hook BeforeAllowTraffic \(http:\/\/127\.0\.0\.1:\d+\/smoke\) failed/);
      expect(execution.cause).toMatch(reason);
      expect(record(world).hookResults).toEqual([expect.objectContaining({ status: 'Failed', calls: 1 })]);
      expect(record(world).hookWait).toBeUndefined();
    },
  );

  it('with no answer (the connection dropped, after the retries), fails naming it', async () => {
    answer = () => 'close';
    const world = webhookWorld();
    const execution = await run(world);
    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toMatch(/failed: no answer/);
    // The first try and its two retries.
    expect(calls).toHaveLength(3);
  });

  it('an abort while it waits between calls fails the wait at once: no further call, rolled back', async () => {
    answer = (n) => inProgress({ n }, 600);
    const world = webhookWorld(3600);
    let abortedAt: number | undefined;
    const execution = await run(world, async (e) => {
      const waiting = record(world).hookWait?.token !== undefined;
      if (abortedAt === undefined && waiting && statesEntered(e).includes('WaitBeforeAllowTraffic')) {
        abortedAt = world.clock.now();
        await abort(world, 'web-run', { actor: 'oncall', reason: 'wrong image' });
      }
      return false;
    });
    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toBe('aborted by oncall: wrong image');
    expect(calls).toHaveLength(1);
    // The wait's 600 s did not run out first: the rollback began when the abort came.
    const rollBack = execution.history.find(
      (e) =>
        e.type === 'TaskStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === 'RollBack',
    );
    expect(rollBack!.timestamp - abortedAt!).toBeLessThan(1000);
  });
});
