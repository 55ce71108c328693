// The local ELBv2 behind createAwsServer, reached by a real ElasticLoadBalancingV2Client, for the
// test files of test/local/elbv2-*.test.ts. useElbv2World() gives each file its own world: the
// load balancer `web`, the target groups `web-blue` and `web-green`, and an HTTP listener on
// port 80 forwarding to blue, made through the API before the file's tests run.

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Server } from 'node:http';
import { afterAll, beforeAll, expect } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { ELBV2_API_VERSION, ELBV2_NAMESPACE, LocalElbv2 } from '../../local/aws/elbv2.js';
import { createAwsServer } from '../../local/aws/server.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';

export const scope = { region: 'us-east-1', account: '000000000000' };

/** The 16 hex digits that end every ELBv2 ARN. */
export const ARN_ID = /[0-9a-f]{16}$/;

/** Serves `elb` on a free loopback port, with an SDK client for it. */
export async function serve(
  elb: LocalElbv2,
): Promise<{ server: Server; client: ElasticLoadBalancingV2Client }> {
  const server = createAwsServer({
    json: {},
    query: { [ELBV2_API_VERSION]: { service: elb.service, namespace: ELBV2_NAMESPACE } },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    client: new ElasticLoadBalancingV2Client(emulatorClientConfig(`http://127.0.0.1:${port}`)),
  };
}

export async function stop(server: Server, client: ElasticLoadBalancingV2Client): Promise<void> {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

export interface Elbv2World {
  /** The simulated clock, stopped where the load balancer was created until a test moves it. */
  readonly clock: ManualClock;
  readonly elb: LocalElbv2;
  /** Set by the file's beforeAll, as are lb, listener, blue and green. */
  client: ElasticLoadBalancingV2Client;
  /** The load balancer `web`. */
  lb: string;
  /** Its HTTP listener on port 80, whose default action forwards to blue. */
  listener: string;
  /** The target group `web-blue`. */
  blue: string;
  /** The target group `web-green`. */
  green: string;
  /** The priority of the last rule `rule()` created: 0 before the first. */
  priority: number;
  /** Creates an HTTP `ip` target group in vpc-0a1b2c3d; its ARN. */
  targetGroup: (name: string, port?: number) => Promise<string>;
  /** A rule of its own for each case on the listener, at the next priority; its ARN. */
  rule: (actions: Action[]) => Promise<string>;
  /** A rule's actions as DescribeRules answers them. */
  ruleActions: (arn: string) => Promise<Action[]>;
}

/** A world for the file's tests: made through the API before them, its server stopped after. */
export function useElbv2World(): Elbv2World {
  const clock = new ManualClock();
  const world: Elbv2World = {
    clock,
    elb: new LocalElbv2({ ...scope, clock }),
    client: undefined as unknown as ElasticLoadBalancingV2Client,
    lb: '',
    listener: '',
    blue: '',
    green: '',
    priority: 0,

    async targetGroup(name, port = 8080) {
      const output = await world.client.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: port,
          VpcId: 'vpc-0a1b2c3d',
          TargetType: 'ip',
        }),
      );
      return output.TargetGroups?.[0]?.TargetGroupArn ?? '';
    },

    async rule(actions) {
      world.priority += 1;
      const { priority } = world;
      const output = await world.client.send(
        new CreateRuleCommand({
          ListenerArn: world.listener,
          Priority: priority,
          Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/case-${priority}/*`] } }],
          Actions: actions,
        }),
      );
      return output.Rules?.[0]?.RuleArn ?? '';
    },

    async ruleActions(arn) {
      const output = await world.client.send(new DescribeRulesCommand({ RuleArns: [arn] }));
      return output.Rules?.[0]?.Actions ?? [];
    },
  };
  let server: Server;

  beforeAll(async () => {
    ({ server, client: world.client } = await serve(world.elb));
    const created = await world.client.send(
      new CreateLoadBalancerCommand({
        Name: 'web',
        Subnets: ['subnet-0aaa', 'subnet-0bbb'],
        Scheme: 'internal',
      }),
    );
    world.lb = created.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    world.blue = await world.targetGroup('web-blue');
    world.green = await world.targetGroup('web-green');
    const output = await world.client.send(new CreateListenerCommand(firstListener(world)));
    world.listener = output.Listeners?.[0]?.ListenerArn ?? '';
  });

  afterAll(() => stop(server, world.client));

  return world;
}

/** The listener every world starts with: HTTP on port 80, forwarding to blue. */
export function firstListener(world: { lb: string; blue: string }) {
  return {
    LoadBalancerArn: world.lb,
    Protocol: 'HTTP' as const,
    Port: 80,
    DefaultActions: [{ Type: 'forward' as const, TargetGroupArn: world.blue }],
  };
}
