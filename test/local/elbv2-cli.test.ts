// The local ELBv2 through the real AWS CLI (botocore's own query serializer and XML parser):
// what an operator types against the local cloud must work and show what was set.

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { execFile, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ELBV2_API_VERSION, ELBV2_NAMESPACE, LocalElbv2, ruleArn } from '../../local/aws/elbv2.js';
import { createAwsServer } from '../../local/aws/server.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';

const awsCliAvailable = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!awsCliAvailable).concurrent('LocalElbv2 through the AWS CLI', () => {
  const elb = new LocalElbv2({ region: 'us-east-1', account: '000000000000' });
  let server: Server;
  let endpoint: string;
  let lb: string;
  let listener: string;
  let rule: string;
  let canaryRule: string;
  let blue: string;
  let green: string;

  /** `aws --endpoint-url … elbv2 <args>`, with dummy credentials and no user configuration. */
  function aws(...args: string[]): Promise<CliResult> {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PYENV_ROOT: process.env.PYENV_ROOT,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    };
    return new Promise((resolve) => {
      execFile(
        'aws',
        ['--endpoint-url', endpoint, '--output', 'json', 'elbv2', ...args],
        { env, timeout: 20_000 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Runs a command that must exit 0, and parses its JSON output. */
  async function awsJson<T>(...args: string[]): Promise<T> {
    const result = await aws(...args);
    if (result.code !== 0) throw new Error(`aws elbv2 ${args[0]} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  beforeAll(async () => {
    server = createAwsServer({
      json: {},
      query: { [ELBV2_API_VERSION]: { service: elb.service, namespace: ELBV2_NAMESPACE } },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${port}`;

    const client = new ElasticLoadBalancingV2Client(emulatorClientConfig(endpoint));
    const created = await client.send(
      new CreateLoadBalancerCommand({ Name: 'prod', Subnets: ['subnet-0aaa', 'subnet-0bbb'] }),
    );
    lb = created.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    const group = async (name: string) =>
      (
        await client.send(
          new CreateTargetGroupCommand({
            Name: name,
            Protocol: 'HTTP',
            Port: 8080,
            VpcId: 'vpc-0a1b',
            TargetType: 'ip',
          }),
        )
      ).TargetGroups?.[0]?.TargetGroupArn ?? '';
    blue = await group('api-blue');
    green = await group('api-green');
    listener =
      (
        await client.send(
          new CreateListenerCommand({
            LoadBalancerArn: lb,
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
          }),
        )
      ).Listeners?.[0]?.ListenerArn ?? '';
    rule =
      (
        await client.send(
          new CreateRuleCommand({
            ListenerArn: listener,
            Priority: 10,
            Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: blue }],
          }),
        )
      ).Rules?.[0]?.RuleArn ?? '';
    canaryRule =
      (
        await client.send(
          new CreateRuleCommand({
            ListenerArn: listener,
            Priority: 20,
            Conditions: [{ Field: 'path-pattern', Values: ['/canary/*'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: blue }],
          }),
        )
      ).Rules?.[0]?.RuleArn ?? '';
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: '10.0.1.10' }] }));
    elb.setTargetHealth(blue, '10.0.1.10', 8080, 'healthy');
    client.destroy();
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  it('describe-rules --rule-arns shows the rule with its forward action', async ({ expect }) => {
    const output = await awsJson<{ Rules: Record<string, unknown>[] }>('describe-rules', '--rule-arns', rule);
    expect(output.Rules).toEqual([
      {
        RuleArn: rule,
        Priority: '10',
        IsDefault: false,
        Conditions: [
          { Field: 'path-pattern', Values: ['/api/*'], PathPatternConfig: { Values: ['/api/*'] } },
        ],
        Actions: [
          {
            Type: 'forward',
            TargetGroupArn: blue,
            ForwardConfig: {
              TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }],
              TargetGroupStickinessConfig: { Enabled: false },
            },
          },
        ],
      },
    ]);
  });

  it('describe-rules --listener-arn lists the default rule last', async ({ expect }) => {
    const output = await awsJson<{ Rules: { RuleArn: string; Priority: string; IsDefault: boolean }[] }>(
      'describe-rules',
      '--listener-arn',
      listener,
    );
    expect(output.Rules.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['20', false],
      ['default', true],
    ]);
    expect(output.Rules[2]?.RuleArn).toBe(ruleArn(listener, 'default'));
  });

  it('describe-target-groups shows the groups by name, and the one the load balancer uses', async ({
    expect,
  }) => {
    const byName = await awsJson<{
      TargetGroups: { TargetGroupArn: string; TargetType: string; Port: number }[];
    }>('describe-target-groups', '--names', 'api-blue', 'api-green');
    expect(byName.TargetGroups.map((g) => [g.TargetGroupArn, g.TargetType, g.Port])).toEqual([
      [blue, 'ip', 8080],
      [green, 'ip', 8080],
    ]);
    const byLb = await awsJson<{ TargetGroups: { TargetGroupArn: string; LoadBalancerArns: string[] }[] }>(
      'describe-target-groups',
      '--load-balancer-arn',
      lb,
    );
    // Only blue until the modify-rule case (running alongside) adds green.
    expect(byLb.TargetGroups).toContainEqual(
      expect.objectContaining({ TargetGroupArn: blue, LoadBalancerArns: [lb] }),
    );
  });

  it('describe-target-health shows the health the world set', async ({ expect }) => {
    const output = await awsJson<{ TargetHealthDescriptions: unknown[] }>(
      'describe-target-health',
      '--target-group-arn',
      blue,
    );
    expect(output.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '10.0.1.10', Port: 8080 },
        HealthCheckPort: '8080',
        TargetHealth: { State: 'healthy' },
      },
    ]);
  });

  it('describe-listeners shows the listener and its default action', async ({ expect }) => {
    const output = await awsJson<{ Listeners: unknown[] }>('describe-listeners', '--load-balancer-arn', lb);
    expect(output.Listeners).toEqual([
      {
        ListenerArn: listener,
        LoadBalancerArn: lb,
        Port: 80,
        Protocol: 'HTTP',
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
      },
    ]);
  });

  it('modify-rule with a weighted forward sets the weights', async ({ expect }) => {
    const actions = [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 70 },
            { TargetGroupArn: green, Weight: 30 },
          ],
        },
      },
    ];
    const output = await awsJson<{ Rules: { Actions: unknown[] }[] }>(
      'modify-rule',
      '--rule-arn',
      canaryRule,
      '--actions',
      JSON.stringify(actions),
    );
    const expected = [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 70 },
            { TargetGroupArn: green, Weight: 30 },
          ],
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ];
    expect(output.Rules[0]?.Actions).toEqual(expected);
    const described = await awsJson<{ Rules: { Actions: unknown[] }[] }>(
      'describe-rules',
      '--rule-arns',
      canaryRule,
    );
    expect(described.Rules[0]?.Actions).toEqual(expected);
    expect(elb.forwardWeights(canaryRule)).toEqual([
      { targetGroupArn: blue, weight: 70 },
      { targetGroupArn: green, weight: 30 },
    ]);
  });

  it('fails with the AWS error code for a rule that does not exist', async ({ expect }) => {
    const result = await aws('describe-rules', '--rule-arns', ruleArn(listener, 999));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('(RuleNotFound)');
  });
});
