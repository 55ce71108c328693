// Operator actions racing for one task token, through the real ASL and handlers: of two
// actions sent at once, exactly one takes effect and is recorded (by the deployment's own
// steps, as they act on it); the other is refused (NotActionable, a 409 over HTTP), records
// nothing and changes nothing.

import { describe, expect, it } from 'vitest';
import { NotActionable } from '../../shared/engine/errors.js';
import { abort, approve, promote } from '../../shared/engine/operator.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  statesEntered,
} from '../../harness/engine.js';
import type { World } from '../../harness/engine.js';

const operatorActions = (world: World, service: string) =>
  world.ledger.records(service).filter((r) => r.type === 'OperatorAction');
/** What was asked, without the request's id (a random one). */
const asked = (detail: Record<string, unknown>) => ({ action: detail.action, reason: detail.reason });

/** `api` (blue-green) paused on its approval wait. */
async function waitingForApproval() {
  const world = createWorld();
  seedService(world, 'api');
  const execution = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` });
  await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
  return { world, execution };
}

/** Exactly one of the two settled: the winner's index, after checking the loser's refusal. */
function oneWon(results: PromiseSettledResult<unknown>[]): number {
  expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  const loser = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
  expect(loser.reason).toBeInstanceOf(NotActionable);
  expect((loser.reason as Error).message).toMatch(
    /ended before this .* reached it.*nothing was done or recorded/,
  );
  return results.findIndex((r) => r.status === 'fulfilled');
}

describe('approve and abort sent at once to an approval wait', () => {
  for (const first of ['approve', 'abort'] as const) {
    it(`${first} sent first: one wins, one record, and the deployment does what the winner asked`, async () => {
      const { world, execution } = await waitingForApproval();
      const asks = {
        approve: () => approve(world, execution.name, { actor: 'operator:ben', reason: 'go' }),
        abort: () => abort(world, execution.name, { actor: 'operator:cy', reason: 'stop' }),
      };
      const order = first === 'approve' ? (['approve', 'abort'] as const) : (['abort', 'approve'] as const);
      const results = await Promise.allSettled(order.map((name) => asks[name]()));
      const winner = order[oneWon(results)]!;

      const deployment = world.deployments.items.get(execution.name)!;
      // The loser left nothing behind for a later step to act on.
      if (winner === 'approve') expect(deployment.abortRequested).toBeUndefined();
      await drive(world, execution);
      expect(execution.status).toBe(winner === 'approve' ? 'SUCCEEDED' : 'FAILED');
      expect(operatorActions(world, 'api').map((r) => asked(r.detail))).toEqual([
        { action: winner, reason: winner === 'approve' ? 'go' : 'stop' },
      ]);
    });
  }
});

describe('promote and abort sent at once to a bake', () => {
  it('one wins; a promote that lost takes back the analysis skip it set, and nothing is recorded for it', async () => {
    const world = createWorld();
    const entry = seedService(world, 'web');
    const [rule, blue] = [entry.traffic.productionListenerRule, entry.traffic.targetGroups[0]];
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(
      world,
      execution,
      () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 90,
    );
    const results = await Promise.allSettled([
      abort(world, execution.name, { actor: 'operator:cy', reason: 'stop' }),
      promote(world, execution.name, { actor: 'operator:ben', full: false, reason: 'go' }),
    ]);
    const winner = (['abort', 'promote'] as const)[oneWon(results)]!;
    const deployment = world.deployments.items.get(execution.name)!;
    if (winner === 'abort') expect(deployment.analysisSkippedBy).toBeUndefined();
    else expect(deployment.abortRequested).toBeUndefined();
    await drive(world, execution);
    expect(operatorActions(world, 'web').map((r) => r.detail.action)).toEqual([winner]);
  });
});

describe('each answer says what was done', () => {
  it("approve: the approval's token was answered", async () => {
    const { world, execution } = await waitingForApproval();
    await expect(approve(world, execution.name, { actor: 'operator:ben' })).resolves.toEqual({
      deploymentId: execution.name,
      action: 'approve',
      effect: "the approval's token was answered: production traffic starts moving to the new release",
    });
  });

  it('abort with no wait to interrupt sets the abort for the next step; a second abort is refused', async () => {
    const world = createWorld();
    seedService(world, 'web');
    world.ecs.checksUntilSteady = 5;
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => statesEntered(execution).includes('CheckTaskSet'));
    await expect(abort(world, execution.name, { actor: 'operator:lee' })).resolves.toMatchObject({
      effect: 'the abort was set on the deployment: its next step rolls back',
    });
    await expect(abort(world, execution.name, { actor: 'operator:mo' })).rejects.toThrow(
      /already being aborted \(asked by operator:lee\)/,
    );
    await drive(world, execution);
    expect(operatorActions(world, 'web').map((r) => r.actor)).toEqual(['operator:lee']);
  });
});
