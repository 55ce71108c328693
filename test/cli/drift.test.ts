// `cutover drift` against a real local cloud: a service deployed by Cutover has not drifted;
// a weight changed on the listener or a task definition revision registered behind
// Cutover's back is found, named, and exits 1.

import {
  DescribeRulesCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describe as describeDrift } from '../../cli/commands/drift.js';
import type { DriftReport } from '../../shared/engine/drift.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { taskSets, until } from '../support/local-cloud.js';

let cloud: CliCloud;
let image: string;

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
  image = cloud.pushed('allatonce', 'v2');
  const run = await cloud.cutover(['deploy', 'allatonce', '--image', image, '--wait', '--json']);
  expect(run.code, run.stderr).toBe(0);
  // Promoted, then the termination wait and the clean-up: the lock is held until both end.
  await until(async () => {
    const report = await cloud.cutover(['drift', 'allatonce', '--json']);
    return (JSON.parse(report.stdout) as DriftReport).deploymentInProgress === null;
  }, 'the deployment to release its lock');
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
});

const rule = () => cloud.handle.catalog.services.allatonce!.traffic.productionListenerRule;

async function forward(): Promise<Action[]> {
  const described = await cloud.handle.clients.elb.send(new DescribeRulesCommand({ RuleArns: [rule()] }));
  return described.Rules![0]!.Actions!;
}

async function setWeights(actions: Action[], weights: number[]): Promise<void> {
  const groups = actions[0]!.ForwardConfig!.TargetGroups!.map((g, i) => ({ ...g, Weight: weights[i]! }));
  await cloud.handle.clients.elb.send(
    new ModifyRuleCommand({
      RuleArn: rule(),
      Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: groups } }],
    }),
  );
}

describe('cutover drift', () => {
  it('a service just deployed by Cutover has not drifted: exit 0', async () => {
    const run = await cloud.cutover(['drift', 'allatonce']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^✓ allatonce runs release \d+, .*\/allatonce@sha256:[0-9a-f]{64}, as the ledger says$/,
    );
    expect(run.stdout).toContain(image.split('@')[1]);
  });

  it('a weight changed on the listener by hand is drift: exit 1, naming the weights', async () => {
    const actions = await forward();
    const before = actions[0]!.ForwardConfig!.TargetGroups!.map((g) => g.Weight!);
    expect([...before].sort()).toEqual([0, 100]);
    await setWeights(
      actions,
      before.map((w) => (w === 100 ? 70 : 30)),
    );
    try {
      const run = await cloud.cutover(['drift', 'allatonce']);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^✗ allatonce has drifted from release \d+, /);
      expect(run.stdout).toMatch(/\n {2}- weights: .*70/);

      const json = await cloud.cutover(['drift', 'allatonce', '--json']);
      expect(json.code).toBe(1);
      const report = JSON.parse(json.stdout) as DriftReport;
      expect(report).toMatchObject({ service: 'allatonce', drift: true, deploymentInProgress: null });
      expect(report.findings.map((f) => f.kind)).toEqual(['weights']);
    } finally {
      await setWeights(await forward(), before);
    }
    expect((await cloud.cutover(['drift', 'allatonce'])).code).toBe(0);
  });

  it('a task definition revision registered outside Cutover is drift', async () => {
    const [primary] = (await taskSets(cloud.handle, 'allatonce')).filter((s) => s.status === 'PRIMARY');
    const { taskDefinition } = await cloud.handle.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: primary!.taskDefinition }),
    );
    await cloud.handle.clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: taskDefinition!.family!,
        containerDefinitions: taskDefinition!.containerDefinitions!.map((c) => ({
          ...c,
          image: `${c.image!.split('@')[0]}:hotfix`,
        })),
      }),
    );
    const run = await cloud.cutover(['drift', 'allatonce', '--json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as DriftReport;
    expect(report.findings.map((f) => f.kind)).toEqual(['outside-task-definition']);
    expect(report.findings[0]!.message).toContain(
      `${taskDefinition!.family!}:${taskDefinition!.revision! + 1}`,
    );
  });

  it('bad usage and an unknown service exit 2', async () => {
    const usage = await cloud.cutover(['drift']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('cutover: drift takes exactly one service name');
    const unknown = await cloud.cutover(['drift', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('cutover: no service "nope" in the catalog');
  });
});

describe('the drift report in words', () => {
  it('mid-deployment, it says that only the revision check was made', () => {
    const lines = describeDrift({
      service: 'web',
      checkedAt: '2026-01-01T00:00:00.000Z',
      drift: false,
      deploymentInProgress: 'web-abc',
      live: null,
      findings: [],
    });
    expect(lines).toEqual([
      '✓ web runs no live release, as the ledger says',
      '  (deployment web-abc is in progress: only revisions registered outside Cutover were checked)',
    ]);
  });
});
