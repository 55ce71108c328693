// A step given an input it does not take fails with StepInputInvalid, naming each field that is
// wrong, before it does anything: never with the parser's own ZodError, which told a person
// reading the execution's history neither that it was the input nor which step's. Run through
// the real canary ASL, the state machine does not retry it, and rolls back from its catch-all.

import { describe, expect, it } from 'vitest';
import { StepInputInvalid } from '../../shared/runtime/errors.js';
import { depsOf, drive, eventsOfType, start, webImage, webWorld } from '../../harness/engine.js';
import { handlersFor } from '../../harness/functions.js';
import { expectAtRest } from '../support/at-rest.js';

/** What `promise` rejected with; fails the test when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('it resolved'),
    (error: unknown) => error,
  );
}

describe('a step invoked with an input it does not take', () => {
  it('fails with StepInputInvalid naming every wrong field, and changes nothing', async () => {
    const { world } = webWorld();
    const before = structuredClone([...world.deployments.items]);
    const startBake = handlersFor(world.catalog, depsOf(world))['start-bake']!;
    const error = await rejection(startBake({ token: '', bakeSeconds: -1 }, {}));

    expect(error).toBeInstanceOf(StepInputInvalid);
    expect(error).toMatchObject({ name: 'StepInputInvalid', step: 'start-bake' });
    expect((error as Error).message).toBe(
      [
        'the input of step start-bake is not valid:',
        'spec: Invalid input: expected object, received undefined',
        'token: Too small: expected string to have >=1 characters',
        'bakeSeconds: Too small: expected number to be >=0',
        'final: Invalid input: expected boolean, received undefined',
      ].join('\n'),
    );
    expect([...world.deployments.items]).toEqual(before);
    expect(world.ledger.records('web')).toEqual([]);
  });

  it('validate-input: an event without the fields the state machine passes is StepInputInvalid too', async () => {
    const { world } = webWorld();
    const validate = handlersFor(world.catalog, depsOf(world))['validate-input']!;
    const error = await rejection(validate({ deploymentId: 'web-2', input: {} }, {}));
    expect(error).toMatchObject({ name: 'StepInputInvalid', problems: [{ path: 'machine' }] });
  });

  it('through the canary ASL: not retried, the run rolls back before any traffic moves', async () => {
    const { world } = webWorld();
    const execution = start(world, 'canary', { service: 'web', image: webImage(2) }, undefined, {
      wrap: (fn, handler) =>
        fn === 'create-task-set'
          ? (event, context) => {
              const { spec } = event as { spec: Record<string, unknown> };
              return handler({ ...(event as object), spec: { ...spec, digest: undefined } }, context);
            }
          : handler,
    });
    await drive(world, execution);

    const failed = eventsOfType(execution, 'LambdaFunctionFailed').map(
      (e) => e.lambdaFunctionFailedEventDetails as { error: string; cause: string },
    );
    expect(failed.map((f) => f.error)).toEqual(['StepInputInvalid']);
    expect(failed[0]!.cause).toContain('the input of step create-task-set is not valid:\nspec.digest: ');
    expect(execution.error).toBe('Aborted');
    await expectAtRest(world, 'web', webImage(1));
  });
});
