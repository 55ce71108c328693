// Hooks that verify a rollback (the catalog's `afterRollback`), through the real ASL and
// handlers: after RollBack, each such function hook is called once more, with `afterRollback:
// true`; its outcome is kept with the deployment's hook results and a failure is published as
// `Rollback Verification Failed`. Whatever it answers, the rollback stands and the lock is freed.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../local/stepfunctions/run.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  statesEntered,
  type World,
} from '../../harness/engine.js';
import type { HookEvent, HookResult } from '../../shared/ports/hooks.js';

const SMOKE = 'web-smoke-test';

/** The demo catalog with web's smoke test verifying rollbacks too (or not). */
function world(afterRollback: boolean): World {
  const text = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8').replace(
    `      BeforeAllowTraffic: ${SMOKE}\n`,
    `      BeforeAllowTraffic: { function: ${SMOKE}, afterRollback: ${afterRollback} }\n`,
  );
  const w = createWorld(text);
  seedService(w, 'web');
  return w;
}

/** Runs web's deployment; its alarm fires once the first shift is done, when `faulty`. */
async function run(w: World, faulty: boolean, afterRollback: (event: HookEvent) => HookResult | Error) {
  w.hooks.results.set(SMOKE, (_, event) => {
    if (event.afterRollback !== true) return { status: 'Succeeded', message: 'smoke test passed' };
    const answer = afterRollback(event);
    if (answer instanceof Error) throw answer;
    return answer;
  });
  const wrap =
    (fn: string, handler: LocalFunction): LocalFunction =>
    async (event, context) => {
      const result = await handler(event, context);
      if (faulty && fn === 'shift-traffic') w.alarms.inAlarm.add('web-5xx-rate');
      return result;
    };
  const execution = start(w, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` }, 'web-run', {
    wrap,
  });
  await drive(w, execution);
  return execution;
}

const published = (w: World, type: string) => w.events.published.filter((e) => e.detailType === type);

describe('hooks that verify a rollback', () => {
  it('passing: called once more after the rollback, with afterRollback; recorded; the rollback stands', async () => {
    const w = world(true);
    const execution = await run(w, true, () => ({ status: 'Succeeded', message: 'stable answers 200' }));
    expect(execution.error).toBe('RolledBack');
    const entered = statesEntered(execution);
    expect(entered.slice(entered.indexOf('RollBack'))).toEqual([
      'RollBack',
      'VerifyRollback?',
      'VerifyRollback',
      'ReleaseLockAfterRollBack',
      'RolledBack',
    ]);
    const calls = w.hooks.calls.filter((c) => c.functionName === SMOKE);
    expect(calls.map((c) => c.event.afterRollback)).toEqual([undefined, true]);
    expect(w.deployments.items.get('web-run')!.hookResults).toEqual([
      expect.objectContaining({ hook: 'BeforeAllowTraffic', status: 'Succeeded', calls: 1 }),
      expect.objectContaining({
        hook: 'BeforeAllowTraffic',
        status: 'Succeeded',
        afterRollback: true,
        message: 'stable answers 200',
      }),
    ]);
    expect(published(w, 'Rollback Verification Failed')).toEqual([]);
    expect(await w.locks.holder('web')).toBeNull();
  });

  it.each([
    ['Failed', () => ({ status: 'Failed', message: 'stable answers 502' }) as const, 'stable answers 502'],
    [
      'IN_PROGRESS',
      () => ({ status: 'InProgress', callBackDelaySeconds: 30 }) as const,
      'answered IN_PROGRESS',
    ],
    ['an error', () => new Error('boom'), 'could not run: Error: boom'],
  ] as const)(
    'answering %s: recorded and published as an event; the rollback still ends and frees the lock',
    async (_, answer, message) => {
      const w = world(true);
      const execution = await run(w, true, answer);
      expect(execution.error).toBe('RolledBack');
      const verified = w.deployments.items.get('web-run')!.hookResults!.at(-1);
      expect(verified).toMatchObject({ hook: 'BeforeAllowTraffic', status: 'Failed', afterRollback: true });
      expect(verified!.message).toContain(message);
      expect(published(w, 'Rollback Verification Failed')).toEqual([
        {
          detailType: 'Rollback Verification Failed',
          detail: expect.objectContaining({
            deploymentId: 'web-run',
            service: 'web',
            hook: 'BeforeAllowTraffic',
            function: SMOKE,
          }),
        },
      ]);
      expect(await w.locks.holder('web')).toBeNull();
    },
  );

  it('without afterRollback, or with no rollback, nothing more is called and no state more is entered', async () => {
    const unmarked = world(false);
    const rolledBack = await run(unmarked, true, () => ({ status: 'Succeeded' }));
    expect(rolledBack.error).toBe('RolledBack');
    expect(statesEntered(rolledBack)).not.toContain('VerifyRollback');
    expect(unmarked.hooks.calls).toHaveLength(1);

    const marked = world(true);
    const promoted = await run(marked, false, () => ({ status: 'Failed', message: 'never asked' }));
    expect(promoted.status).toBe('SUCCEEDED');
    expect(statesEntered(promoted)).not.toContain('VerifyRollback?');
    expect(marked.hooks.calls).toHaveLength(1);
  });
});
