// blue-green.asl.json's approval on a clock 600 times faster than real time, run as the local
// cloud runs it: the real handlers, and the wait for a person timed in real seconds. Before, a
// one-minute window closed after a tenth of a real second. Real time here is the test's fake
// wall clock, which the local cloud's clock follows at 600x, so a real minute passes at once.

import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WAITS_FOR_A_PERSON } from '../../local/aws/stepfunctions.js';
import { ScaledClock } from '../../local/clock.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { runExecution, type LocalExecution, type LocalFunction } from '../../local/stepfunctions/run.js';
import { lastRecord } from '../support/at-rest.js';
import { createWorld, depsOf, DIGEST, REGISTRY, seedService, statesEntered } from '../../harness/engine.js';
import { handlersFor } from '../../harness/functions.js';

const SPEED = 600;
/** The catalog's shortest approval window. */
const TIMEOUT_SECONDS = 60;
const BLUE_GREEN = prepareDefinition(
  JSON.parse(readFileSync(new URL('../../statemachines/blue-green.asl.json', import.meta.url), 'utf8')),
);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** A blue-green deployment of api on the fast clock, started as the local cloud starts one. */
function deployApi() {
  const world = createWorld();
  seedService(world, 'api');
  world.catalog.services.api!.approval.timeoutSeconds = TIMEOUT_SECONDS;
  const clock = new ScaledClock(SPEED);
  const handlers = handlersFor(world.catalog, { ...depsOf(world), clock });
  const execution = runExecution({
    prepared: BLUE_GREEN,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-blue-green',
    name: 'api-2',
    input: { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` },
    resolve: (fn): LocalFunction => handlers[fn]!,
    clock,
    tokens: world.tokens,
    realTimeInvokeTimeouts: true,
    realTimeWaitsFor: WAITS_FOR_A_PERSON,
  });
  const approval = () => world.deployments.items.get('api-2')?.approval;
  return { world, clock, execution, approval };
}

/** Lets real time pass in small steps until `done` holds (or `ms` have passed); returns the real ms it took. */
async function realTime(ms: number, done: () => boolean = () => false): Promise<number> {
  const start = Date.now();
  while (!done() && Date.now() - start < ms) {
    await vi.advanceTimersByTimeAsync(50);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return Date.now() - start;
}

const ended = (execution: LocalExecution) => () => execution.status !== 'RUNNING';

describe('the approval of a blue-green deployment at 600x', () => {
  it('nobody answers: it rolls back for approval-timeout after the timeout in real seconds', async () => {
    const { world, clock, execution, approval } = deployApi();
    await realTime(10_000, () => approval() !== undefined);
    const { requestedAt, expiresAt, token } = approval()!;
    expect(expiresAt - requestedAt).toBe(TIMEOUT_SECONDS * SPEED * 1000);
    // Half the window in real time is 300 windows on the clock: still open.
    await realTime((TIMEOUT_SECONDS * 1000) / 2);
    expect(execution.status).toBe('RUNNING');
    expect(approval()).toBeDefined();

    const rest = await realTime(2 * TIMEOUT_SECONDS * 1000, ended(execution));
    expect(rest).toBeGreaterThanOrEqual((TIMEOUT_SECONDS * 1000) / 2 - 100);
    expect(rest).toBeLessThanOrEqual((TIMEOUT_SECONDS * 1000) / 2 + 1000);
    await execution.done;
    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'api').detail).toEqual({
      reason: { kind: 'approval-timeout', message: 'nobody approved in time' },
    });
    // On the clock, it timed out at the deadline the deployment showed.
    expect(clock.now()).toBeGreaterThanOrEqual(expiresAt);
    expect(statesEntered(execution)).toContain('RollBack');
    // An approve after the wait timed out finds nothing to answer: it cannot be taken as accepted.
    expect(await world.tokens.succeed(token, {})).toBe('gone');
  });

  it('answered within the real window, it goes on, and its bakes still run on the fast clock', async () => {
    const { world, execution, approval } = deployApi();
    await realTime(10_000, () => approval() !== undefined);
    await realTime((TIMEOUT_SECONDS * 1000) / 2);
    expect(await world.tokens.succeed(approval()!.token, {})).toBe('delivered');

    // The final bake (10 minutes) and the termination wait (15) take 2.5 real seconds at 600x.
    const rest = await realTime(60_000, ended(execution));
    expect(rest).toBeLessThan(5000);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
    expect(lastRecord(world, 'api')).toMatchObject({ type: 'Promoted', deploymentId: 'api-2' });
  });
});
