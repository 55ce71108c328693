// The simulation's index of tasks (by task set, by target group) answers what a scan of every task
// answers, after any sequence of what moves tasks: task sets created, scaled and deleted, time
// passing (tasks start, fail health checks, stop, and are forgotten an hour after stopping), a
// restore of the state, and a task appended by someone other than the simulation.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LocalEcs } from '../../local/aws/ecs.js';
import type { LocalTask } from '../../local/aws/ecs-model.js';
import { EcsSimulation, type TargetRegistry } from '../../local/world/ecs-simulation.js';
import { PROFILES } from '../../local/world/profiles.js';

const GROUPS = ['a', 'b', 'c'].map(
  (name) => `arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/${name}/0123456789abcdef`,
);
const IMAGES = ['healthy', 'unhealthy', 'crashing', 'missing'].map(
  (name) => `000000000000.dkr.ecr.us-east-1.amazonaws.com/${name}@sha256:${'0'.repeat(64)}`,
);

const noTargets: TargetRegistry = {
  registerTarget: () => undefined,
  deregisterTarget: () => undefined,
  setTargetHealth: () => undefined,
};

type Step =
  | { kind: 'create'; group: number; image: number; scale: number }
  | { kind: 'scale'; which: number; scale: number }
  | { kind: 'delete'; which: number }
  | { kind: 'time'; seconds: number }
  | { kind: 'restore' }
  | { kind: 'foreign'; which: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    group: fc.nat(GROUPS.length - 1),
    image: fc.nat(IMAGES.length - 1),
    scale: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({
    kind: fc.constant('scale' as const),
    which: fc.nat(),
    scale: fc.integer({ min: 0, max: 100 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('time' as const), seconds: fc.integer({ min: 1, max: 7200 }) }),
  fc.constant({ kind: 'restore' as const }),
  fc.record({ kind: fc.constant('foreign' as const), which: fc.nat() }),
);

function world() {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const ecs = new LocalEcs({ region: 'us-east-1', account: '000000000000', now: () => now });
  const simulation = new EcsSimulation(ecs, noTargets, (image) =>
    image.includes('/missing@')
      ? undefined
      : image.includes('/unhealthy@')
        ? PROFILES.unhealthy
        : image.includes('/crashing@')
          ? PROFILES.crashing
          : PROFILES.healthy,
  );
  ecs.createCluster('prod');
  const call = (operation: string, input: Record<string, unknown>) =>
    ecs.service.operations[operation]!(input, {}) as Record<string, unknown>;
  for (const [i, image] of IMAGES.entries())
    call('RegisterTaskDefinition', {
      family: `app${i}`,
      containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 8080 }] }],
    });
  call('CreateService', {
    cluster: 'prod',
    serviceName: 'web',
    desiredCount: 4,
    deploymentController: { type: 'EXTERNAL' },
  });
  const taskSets = () => ecs.state.taskSets;
  const apply = (s: Step) => {
    const sets = taskSets();
    const pick = (which: number) => sets[which % sets.length];
    switch (s.kind) {
      case 'create':
        call('CreateTaskSet', {
          cluster: 'prod',
          service: 'web',
          taskDefinition: `app${s.image}:1`,
          loadBalancers: [{ targetGroupArn: GROUPS[s.group], containerName: 'app', containerPort: 8080 }],
          scale: { value: s.scale, unit: 'PERCENT' },
        });
        break;
      case 'scale':
        if (sets.length > 0)
          call('UpdateTaskSet', {
            cluster: 'prod',
            service: 'web',
            taskSet: pick(s.which)!.id,
            scale: { value: s.scale, unit: 'PERCENT' },
          });
        break;
      case 'delete': {
        const taskSet = pick(s.which);
        if (taskSet !== undefined && taskSet.status !== 'PRIMARY')
          call('DeleteTaskSet', { cluster: 'prod', service: 'web', taskSet: taskSet.id, force: true });
        break;
      }
      case 'time':
        for (let left = s.seconds; left > 0; left -= 30) {
          now += Math.min(30, left) * 1000;
          simulation.tick(now);
        }
        break;
      case 'restore':
        ecs.restore(ecs.snapshot());
        break;
      case 'foreign': {
        const task = ecs.state.tasks[s.which % Math.max(1, ecs.state.tasks.length)];
        if (task !== undefined)
          ecs.state.tasks.push({ ...structuredClone(task), taskArn: `${task.taskArn}-copy` });
        break;
      }
    }
  };
  return { ecs, simulation, apply };
}

const arns = (tasks: readonly LocalTask[]) => tasks.map((t) => t.taskArn);

describe('the simulation’s task index', () => {
  it('property: agrees with a scan of every task after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        const { ecs, simulation, apply } = world();
        for (const s of steps) {
          apply(s);
          const { tasks, taskSets } = ecs.state;
          for (const taskSet of taskSets)
            expect(arns(simulation.index.ofTaskSet(taskSet.id))).toEqual(
              arns(tasks.filter((t) => t.startedBy === taskSet.id)),
            );
          for (const id of new Set(tasks.map((t) => t.startedBy)))
            expect(arns(simulation.index.ofTaskSet(id))).toEqual(
              arns(tasks.filter((t) => t.startedBy === id)),
            );
          for (const group of GROUPS)
            expect(arns(simulation.index.inTargetGroup(group))).toEqual(
              arns(tasks.filter((t) => t._targetGroupArn === group)),
            );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('forgets a task an hour after it stopped, in the index as in the task list', () => {
    const { ecs, simulation, apply } = world();
    apply({ kind: 'create', group: 0, image: 1, scale: 100 });
    apply({ kind: 'time', seconds: 120 });
    const stopped = ecs.state.tasks.filter((t) => t.lastStatus === 'STOPPED');
    expect(stopped.length).toBeGreaterThan(0);
    apply({ kind: 'time', seconds: 3600 });
    const left = new Set(arns(simulation.index.inTargetGroup(GROUPS[0]!)));
    for (const task of stopped) expect(left.has(task.taskArn)).toBe(false);
    expect([...left].sort()).toEqual(arns(ecs.state.tasks).sort());
  });
});
