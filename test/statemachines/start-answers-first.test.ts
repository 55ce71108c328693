// StartExecution answers before the execution runs, as on AWS (local/stepfunctions/run.ts): the
// first state's handler is called in a later turn of the event loop, so a caller that starts
// many executions is answered first. An execution stopped before it began ends ABORTED and
// calls nothing.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ScaledClock } from '../../local/clock.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { runExecution, type LocalFunction } from '../../local/stepfunctions/run.js';
import { createWorld, depsOf, DIGEST, REGISTRY, seedService } from '../../harness/engine.js';
import { handlersFor } from '../../harness/functions.js';

const CANARY = prepareDefinition(
  JSON.parse(readFileSync(new URL('../../statemachines/canary.asl.json', import.meta.url), 'utf8')),
);

function start(name: string) {
  const world = createWorld();
  seedService(world, 'web');
  const handlers = handlersFor(world.catalog, { ...depsOf(world), clock: new ScaledClock(600) });
  const called: string[] = [];
  const execution = runExecution({
    prepared: CANARY,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-canary',
    name,
    input: { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` },
    resolve: (fn): LocalFunction => {
      called.push(fn);
      return handlers[fn]!;
    },
    clock: new ScaledClock(600),
    tokens: world.tokens,
  });
  return { execution, called };
}

describe('starting an execution', () => {
  it('returns before any state runs; the first state runs in a later turn', async () => {
    const { execution, called } = start('web-2');
    expect(called).toEqual([]);
    expect(execution.status).toBe('RUNNING');
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(called.length).toBeGreaterThan(0);
    execution.stop();
    await execution.done;
    expect(execution.history[0]?.type).toBe('ExecutionStarted');
  });

  it('stopped before it began: ABORTED, no handler called', async () => {
    const { execution, called } = start('web-3');
    execution.stop();
    await execution.done;
    expect(execution.status).toBe('ABORTED');
    expect(called).toEqual([]);
  });

  it('fails, and ends, when the definition is one the runner refuses', async () => {
    const broken = prepareDefinition({
      StartAt: 'Nowhere',
      States: { Somewhere: { Type: 'Pass', End: true } },
    });
    const execution = runExecution({
      prepared: broken,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:broken',
      name: 'broken-1',
      input: {},
      resolve: () => () => Promise.resolve(null),
      clock: new ScaledClock(600),
      tokens: createWorld().tokens,
    });
    await execution.done;
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toMatch(/Nowhere/);
  });
});
