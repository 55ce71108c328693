// Crash injection, three ways, at every point of a deployment in turn:
// - a handler dies once after its side effects and before it returns, at every step;
// - a handler runs past its function's timeout once, after its side effects, at every step, in a
//   deployment promoted and in one rolled back (Lambda reports Sandbox.Timedout);
// - a handler dies once between two of its own writes (test/support/write-faults.ts fails the
//   Nth write of the run), at every write: a record written but its ledger append or event not.
// Each way Step Functions reports Lambda.Unknown or Sandbox.Timedout and retries the step; the deployment must
// reach the same end as a run without the crash, and nothing may be done twice: the same
// ledger records, one task definition revision, one new task set, and the same events (a
// retried step may publish its event again, an exact repeat).

import { describe, expect, it } from 'vitest';
import { FunctionTimedOut } from '../../local/errors.js';
import type { LocalFunction } from '../../local/stepfunctions/run.js';
import type { CutoverEvent } from '../../shared/domain/events.js';
import type { StateMachineName } from '../../shared/ports/executions.js';
import { expectAtRest } from '../support/at-rest.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';
import { failNthWrite } from '../support/write-faults.js';
import { report } from './size.js';

interface Case {
  machine: StateMachineName;
  service: string;
  input?: Record<string, unknown>;
  /** The service's alarms go to ALARM once this function's first call returns: it is rolled back. */
  alarmAfter?: string;
}

const CASES: Case[] = [
  { machine: 'canary', service: 'web' },
  { machine: 'canary', service: 'web', input: { strategy: 'canary', preset: 'Canary10Percent5Minutes' } },
  { machine: 'blue-green', service: 'api' },
  { machine: 'rolling', service: 'worker' },
];

class Crash extends Error {
  override readonly name = 'Lambda.Unknown';
}

/** How a call dies: crashed (Lambda.Unknown), or past its timeout as the local Lambda ends it. */
type Death = (fn: string) => Error;
const crashed: Death = (fn) => new Crash(`${fn} died after doing its work (injected)`);
const timedOut: Death = () => new FunctionTimedOut(30);

/**
 * Runs one deployment to its end, ending the `crashAt`-th handler call as `death` says after it
 * did its work (none if -1), or failing the `failWrite`-th write of the run (none if -1 or omitted).
 */
async function run(c: Case, crashAt: number, failWrite = -1, death = crashed) {
  const world = createWorld();
  const entry = seedService(world, c.service);
  const faults = failNthWrite(depsOf(world), failWrite);
  const calls: string[] = [];
  const wrap =
    (fn: string, handler: LocalFunction): LocalFunction =>
    async (event, context) => {
      const index = calls.push(fn) - 1;
      const result = await handler(event, context);
      if (fn === c.alarmAfter) for (const alarm of entry.alarms) world.alarms.inAlarm.add(alarm.name);
      if (index === crashAt) throw death(fn);
      return result;
    };
  const image = `${REGISTRY}/${world.catalog.services[c.service]!.images.repositories[0]}@${DIGEST(2)}`;
  const execution = start(world, c.machine, { service: c.service, image, ...c.input }, `${c.service}-run`, {
    wrap,
    deps: faults.deps,
  });
  await approveWhenAsked(world, execution);
  return { world, execution, calls, image, writes: faults.writes };
}

async function approveWhenAsked(world: World, execution: ReturnType<typeof start>) {
  for (let i = 0; i < 5 && execution.status === 'RUNNING'; i++) {
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
    const approval = world.deployments.items.get(execution.name)?.approval;
    if (approval !== undefined) await world.tokens.succeed(approval.token, {}).catch(() => undefined);
  }
  await drive(world, execution);
}

/** What the deployment left behind that must not depend on a crash. */
function outcome(world: World, service: string) {
  const entry = world.catalog.services[service]!;
  return {
    ledger: world.ledger
      .records(service)
      .map((r) => ({ type: r.type, release: r.release, detail: r.detail })),
    revisions: world.ecs.definitions.size,
    taskSets: world.ecs
      .setsOf({ cluster: entry.ecs.cluster, service: entry.ecs.service })
      .map((s) => s.status),
  };
}

/**
 * An event as a consumer tells its repeats apart: all of it but when an approval expires, which
 * counts from when the approval was asked, and so moves with a retry.
 */
function eventIdentity(event: CutoverEvent): string {
  return JSON.stringify({ ...event, detail: { ...event.detail, expiresAt: undefined } });
}

describe('a handler that dies after its side effect, at every step in turn', () => {
  for (const c of CASES) {
    const label = `${c.machine}${c.input ? ` (${String(c.input.preset)})` : ''}`;
    it(`${label}: every retried step reaches the same end, and nothing is done twice (an event may be published again, the same)`, async () => {
      const baseline = await run(c, -1);
      expect(baseline.execution.status).toBe('SUCCEEDED');
      const expected = outcome(baseline.world, c.service);
      const expectedEvents = baseline.world.events.published.map(eventIdentity);
      let duplicateEvents = 0;
      for (let crashAt = 0; crashAt < baseline.calls.length; crashAt++) {
        const crashed = await run(c, crashAt);
        const where = `crash in call ${crashAt} (${crashed.calls[crashAt]})`;
        expect(crashed.execution.status, where).toBe(baseline.execution.status);
        expect(crashed.execution.error, where).toBe(baseline.execution.error);
        expect(sameWords(outcome(crashed.world, c.service)), where).toEqual(sameWords(expected));
        await expectAtRest(crashed.world, c.service, crashed.image);
        // Events are published at least once (docs/reliability.md, Known limits): a retried step
        // may publish its event again, but only as an exact repeat a consumer can drop, in order.
        const published = crashed.world.events.published.map(eventIdentity);
        expect([...new Set(published)], where).toEqual(expectedEvents);
        duplicateEvents += crashed.world.events.published.length - baseline.world.events.published.length;
      }
      report(`crash ${label}`, {
        steps: baseline.calls.length,
        crashes: baseline.calls.length,
        duplicateEvents,
      });
    }, 300_000);
  }
});

// Lambda reports a timeout as Sandbox.Timedout, not the Lambda.Unknown of Step Functions' guide:
// once, no Task retried it, and a slow release of the lock after a rollback left the service locked.
const TIMEOUT_CASES: Case[] = [
  { machine: 'canary', service: 'web' },
  { machine: 'canary', service: 'web', alarmAfter: 'shift-traffic' },
  { machine: 'blue-green', service: 'api', alarmAfter: 'allow-test-traffic' },
  { machine: 'rolling', service: 'worker', alarmAfter: 'scale-batch' },
];

describe("a handler that runs past its function's timeout after its side effect, at every step in turn", () => {
  for (const c of TIMEOUT_CASES) {
    const label = `${c.machine}${c.alarmAfter ? ', rolled back' : ''}`;
    it(`${label}: every timed-out step is retried and reaches the same end, the lock released`, async () => {
      const baseline = await run(c, -1);
      expect(baseline.execution.status).toBe(c.alarmAfter ? 'FAILED' : 'SUCCEEDED');
      if (c.alarmAfter) expect(baseline.calls).toContain('roll-back');
      const atRest = imageAtRest(c, baseline);
      for (let crashAt = 0; crashAt < baseline.calls.length; crashAt++) {
        const late = await run(c, crashAt, -1, timedOut);
        const where = `timeout of call ${crashAt} (${late.calls[crashAt]})`;
        expect(late.execution.status, where).toBe(baseline.execution.status);
        expect(late.execution.error, where).toBe(baseline.execution.error);
        expect(sameWords(outcome(late.world, c.service)), where).toEqual(
          sameWords(outcome(baseline.world, c.service)),
        );
        await expectAtRest(late.world, c.service, atRest);
      }
      report(`timeout ${label}`, { steps: baseline.calls.length, timeouts: baseline.calls.length });
    }, 300_000);
  }
});

/** The image the service runs once the deployment ended: the new one, or the old after a rollback. */
function imageAtRest(c: Case, baseline: Awaited<ReturnType<typeof run>>): string {
  const repository = baseline.world.catalog.services[c.service]!.images.repositories[0]!;
  return c.alarmAfter ? `${REGISTRY}/${repository}@${DIGEST(1)}` : baseline.image;
}

/**
 * An outcome without its reasons' words: a retried shift that finds the alarm already firing
 * says so ("… so the shift to 10% did not happen"), where the first call's bake said it fired.
 */
function sameWords(o: ReturnType<typeof outcome>) {
  return {
    ...o,
    ledger: o.ledger.map((r) => {
      const reason = (r.detail as { reason?: Record<string, unknown> }).reason;
      return reason ? { ...r, detail: { ...r.detail, reason: { ...reason, message: '…' } } } : r;
    }),
  };
}

describe('a handler that dies between two of its own writes, at every write in turn', () => {
  for (const c of [...CASES, ...TIMEOUT_CASES.filter((t) => t.alarmAfter)]) {
    const label = `${c.machine}${c.input ? ` (${String(c.input.preset)})` : ''}${c.alarmAfter ? ', rolled back' : ''}`;
    it(`${label}: the retried step finishes the writes it missed, and does none twice`, async () => {
      const baseline = await run(c, -1);
      const expected = outcome(baseline.world, c.service);
      const writes = baseline.writes.length;
      expect(writes).toBeGreaterThan(baseline.calls.length);
      for (let failAt = 0; failAt < writes; failAt++) {
        const crashed = await run(c, -1, failAt);
        const where = `crash before write ${failAt} (${baseline.writes[failAt]})`;
        expect(crashed.execution.status, where).toBe(baseline.execution.status);
        expect(crashed.execution.error, where).toBe(baseline.execution.error);
        expect(sameWords(outcome(crashed.world, c.service)), where).toEqual(sameWords(expected));
        expect(
          crashed.world.events.published.map((e) => e.detailType),
          where,
        ).toEqual(expect.arrayContaining(baseline.world.events.published.map((e) => e.detailType)));
        await expectAtRest(crashed.world, c.service, imageAtRest(c, baseline));
      }
      report(`crash between writes ${label}`, { writes, crashes: writes });
    }, 600_000);
  }
});
