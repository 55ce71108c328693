// `cutover drift` against a real local cloud: a service deployed by Cutover has not drifted;
// a weight changed on the listener or a task definition revision registered behind
// Cutover's back is found, named, and exits 1.

import {
  DescribeRulesCommand,
  ModifyRuleCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { describe as describeDrift } from '../../cli/commands/drift.js';
import type { DriftKind, DriftReport } from '../../shared/engine/drift.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { taskSets, until } from '../../harness/local-cloud.js';

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
      const { live } = JSON.parse(
        (await cloud.cutover(['drift', 'allatonce', '--json'])).stdout,
      ) as DriftReport;
      const seen = actions[0]!.ForwardConfig!.TargetGroups!.map(
        (g, i) => `${g.TargetGroupArn!.split('/').at(-2)}=${before[i] === 100 ? 70 : 30}`,
      );
      expect(run.stdout).toBe(
        [
          `✗ allatonce has drifted from release ${live!.release}, ${live!.image}:`,
          `  - weights: at rest, production should all go to the primary's target group; the rule forwards ${seen.join(', ')}`,
          '    to fix: redeploy the live release: its new task set takes all production traffic:',
          `      cutover deploy allatonce --image ${live!.image} --reason "restore release ${live!.release} after drift"`,
        ].join('\n'),
      );

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

  it('the fix it prints for traffic moved by hand clears the drift', async () => {
    const actions = await forward();
    const before = actions[0]!.ForwardConfig!.TargetGroups!.map((g) => g.Weight!);
    await setWeights(
      actions,
      before.map((w) => (w === 100 ? 50 : 50)),
    );
    // Traffic sent to a group with no targets gets 503s: the 5xx alarm fires, as it would at 3 a.m.
    // The redeploy of a promoted image goes on while it fires (and is not gated by it).
    await until(async () => {
      const { MetricAlarms } = await cloud.handle.clients.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['allatonce-5xx-rate'] }),
      );
      return MetricAlarms?.[0]?.StateValue === 'ALARM';
    }, 'the 5xx alarm to fire');
    const run = await cloud.cutover(['drift', 'allatonce']);
    expect(run.code).toBe(1);
    const command = run.stdout.split('\n').at(-1)!.trim();
    expect(command).toMatch(
      /^cutover deploy allatonce --image \S+ --reason "restore release \d+ after drift"$/,
    );
    // The words of the command as a shell splits them: the quoted reason is one word.
    const [, ...args] = (command.match(/"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^"|"$/g, ''));
    const fixed = await cloud.cutover([...args, '--wait', '--json']);
    expect(fixed.code, fixed.stdout.split('\n').at(-1)).toBe(0);
    await until(async () => {
      const report = await cloud.cutover(['drift', 'allatonce', '--json']);
      return (JSON.parse(report.stdout) as DriftReport).deploymentInProgress === null;
    }, 'the redeploy to release its lock');
    const after = await cloud.cutover(['drift', 'allatonce']);
    expect(after.code, after.stdout).toBe(0);
  }, 120_000);

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
  const live = { release: 7, image: `r/web@sha256:${'a'.repeat(64)}`, taskDefinitionArn: 'arn:td/web:7' };
  const report = (kind: DriftKind, message: string, withLive = true): DriftReport => ({
    service: 'web',
    checkedAt: '2026-01-01T00:00:00.000Z',
    drift: true,
    deploymentInProgress: null,
    live: withLive ? live : null,
    findings: [{ kind, message }],
  });
  const ecs = { cluster: 'prod', service: 'web-svc' };
  const head = `✗ web has drifted from release 7, ${live.image}:`;
  const redeploy = `      cutover deploy web --image ${live.image} --reason "restore release 7 after drift"`;

  it.each<[DriftKind, string, string[]]>([
    [
      'task-definition',
      'the primary task set runs arn:td/web:9; the ledger says arn:td/web:7',
      ["    to fix: redeploy the live release 7 as a new release, through the catalog's gates:", redeploy],
    ],
    [
      'image',
      'the primary runs image r/web:hotfix',
      ["    to fix: redeploy the live release 7 as a new release, through the catalog's gates:", redeploy],
    ],
    [
      'weights',
      'the rule forwards web-a=50, web-b=50',
      ['    to fix: redeploy the live release: its new task set takes all production traffic:', redeploy],
    ],
    [
      'extra-task-sets',
      'task set ecs-svc/123 runs besides the primary, with no deployment in progress',
      [
        '    to fix: check that it serves no production traffic (see any weights finding), then delete it:',
        '      aws ecs delete-task-set --cluster prod --service web-svc --task-set ecs-svc/123',
      ],
    ],
    [
      'outside-task-definition',
      'revision 9 of family web (arn:aws:ecs:us-east-1:000000000000:task-definition/web:9) was registered outside Cutover; the primary runs revision 7',
      [
        '    to fix: if it should run, deploy its image through Cutover (cutover deploy web --image <its image>@sha256:<digest>); if not, deregister it:',
        '      aws ecs deregister-task-definition --task-definition arn:aws:ecs:us-east-1:000000000000:task-definition/web:9',
      ],
    ],
  ])('%s: the finding, then how to fix it', (kind, message, fix) => {
    expect(describeDrift(report(kind, message), ecs)).toEqual([head, `  - ${kind}: ${message}`, ...fix]);
  });

  it('no-primary and never-promoted: what to check, and the command that starts it', () => {
    expect(describeDrift(report('no-primary', 'prod/web-svc has no PRIMARY task set'), ecs)).toEqual([
      head,
      '  - no-primary: prod/web-svc has no PRIMARY task set',
      "    to fix: check by hand: Cutover replaces a running release, so the ECS service needs one PRIMARY task set behind one of the catalog's target groups; list its task sets with:",
      '      aws ecs describe-task-sets --cluster prod --service web-svc',
    ]);
    const never = report('never-promoted', 'no release of web was ever promoted by Cutover', false);
    expect(describeDrift(never, null)).toEqual([
      '✗ web has drifted from no live release:',
      '  - never-promoted: no release of web was ever promoted by Cutover',
      '    to fix: deploy a release with Cutover (or push an image it deploys); from then on the ledger says what runs:',
      '      cutover deploy web --image <repository>@sha256:<digest>',
    ]);
  });

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
