// What a baseline task set and a header-routed step must never leave behind, whatever happens:
// random deployments through the real linear ASL over fakes (with a baseline, a header step, a
// cookie step, or both), each ending healthy, regressing, aborted by a person after a random
// number of steps, or cut short there with orphan recovery finishing it. At rest:
//   B1 exactly one task set, PRIMARY, running the stable or the new image, none other left;
//   B2 the production rule forwards to the two catalog groups alone, all traffic on the primary's:
//      no baseline group, no weight anywhere else;
//   B3 no listener rule of a header step is left;
//   B4 the lock is free and the ledger verifies (expectAtRest);
//   B5 a regressing release is never live, and a healthy one run to its end always is.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { abort } from '../../shared/engine/operator.js';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest } from '../support/at-rest.js';
import {
  BASELINE_GROUP,
  depsOf,
  drive,
  judgedWebWorld,
  startRecoverable,
  statesEntered,
  webImage,
} from '../../harness/engine.js';

const STABLE = webImage(1);
const NEW = webImage(2);

const STEPS = {
  none: undefined,
  header: { header: 'X-Canary', values: ['always'], seconds: 120, rulePriority: 5 },
  cookie: { cookie: 'canary', value: 'always', seconds: 120, rulePriority: 5 },
} as const;

interface Scenario {
  baseline: boolean;
  step: keyof typeof STEPS;
  release: 'healthy' | 'regressing';
  end: 'runs out' | 'abort' | 'crash';
  after: number;
}

const scenario: fc.Arbitrary<Scenario> = fc.record({
  baseline: fc.boolean(),
  step: fc.constantFrom<keyof typeof STEPS>('none', 'header', 'cookie'),
  release: fc.constantFrom<'healthy' | 'regressing'>('healthy', 'regressing'),
  end: fc.constantFrom<'runs out' | 'abort' | 'crash'>('runs out', 'abort', 'crash'),
  /** How many ShiftTraffic states were entered when the person aborts, or the run is cut short. */
  after: fc.integer({ min: 0, max: 12 }),
});

async function run({ baseline, step, release, end, after }: Scenario): Promise<void> {
  const { world, entry, blue, green } = judgedWebWorld({ baseline, headerStep: STEPS[step] });
  world.metrics.serve(blue);
  world.metrics.serve(BASELINE_GROUP);
  world.metrics.serve(green, { slower: release === 'regressing' ? 40 : 1 });

  const execution = startRecoverable(world, { service: 'web', image: NEW });
  const shifts = () => statesEntered(execution).filter((s) => s === 'ShiftTraffic').length;
  if (end === 'runs out') await drive(world, execution);
  else {
    await drive(world, execution, () => shifts() >= after);
    if (end === 'abort') {
      // Refused (NotActionable) once the deployment has ended; either way it runs to its end.
      await abort(depsOf(world), 'web-run', { actor: 'operator:ana', reason: 'property' }).catch(() => {});
      await drive(world, execution);
    } else {
      world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });
      await recoverOrphans(depsOf(world), world.catalog);
    }
  }

  const sets = world.ecs.setsOf({ cluster: entry.ecs.cluster, service: entry.ecs.service });
  expect(sets, 'B1').toHaveLength(1);
  const live = sets[0]!.image;
  expect([STABLE, NEW], 'B1').toContain(live);
  const rule = world.router.rules.get(entry.traffic.productionListenerRule) ?? [];
  expect(rule.map((w) => w.targetGroupArn).sort(), 'B2').toEqual([blue, green].sort());
  expect(world.routes.all(), 'B3').toEqual([]);
  await expectAtRest(world, 'web', live);
  if (release === 'regressing') expect(live, 'B5').toBe(STABLE);
  if (release === 'healthy' && end === 'runs out') expect(live, 'B5').toBe(NEW);
}

describe('a baseline and a header-routed step, under random endings', () => {
  it('leave one task set, the rule as it was, and no rule of their own, every time', async () => {
    await fc.assert(fc.asyncProperty(scenario, run), { numRuns: 40, seed: 18 });
  }, 120_000);
});
