// The local ECS over the wire, with the production ECS adapters: task definitions,
// task sets on an EXTERNAL service, and tasks that start and pass health checks.

import {
  CreateServiceCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEcs } from '../../local/aws/ecs.js';
import { EcsSimulation, type TargetRegistry } from '../../local/world/ecs-simulation.js';
import { PROFILES } from '../../local/world/profiles.js';
import { EcsTaskDefinitions } from '../../shared/aws/ecs-task-definitions.js';
import { EcsTaskSets } from '../../shared/aws/ecs-task-sets.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { clientConfig, serve, type RunningServer } from '../support/local-server.js';

const TG = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/web-blue/0123456789abcdef';
const IMAGE = (n: number) =>
  `000000000000.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${String(n).repeat(64)}`;

class Targets implements TargetRegistry {
  readonly health = new Map<string, string>();
  registerTarget(tg: string, id: string, port: number) {
    this.health.set(`${tg}|${id}:${port}`, 'initial');
  }
  deregisterTarget(tg: string, id: string, port: number) {
    this.health.delete(`${tg}|${id}:${port}`);
  }
  setTargetHealth(tg: string, id: string, port: number, state: string) {
    this.health.set(`${tg}|${id}:${port}`, state);
  }
}

describe('local ECS', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const ecs = new LocalEcs({ region: 'us-east-1', account: '000000000000', now: () => now });
  const targets = new Targets();
  // IMAGE(8) is not in the registry; IMAGE(9) is there but crashes.
  const simulation = new EcsSimulation(ecs, targets, (image) =>
    image === IMAGE(8) ? undefined : image === IMAGE(9) ? PROFILES.crashing : PROFILES.healthy,
  );
  let server: RunningServer;
  let client: ECSClient;
  const service = { cluster: 'prod', service: 'web' };
  const advance = (seconds: number) => {
    for (let i = 0; i < seconds; i += 1) {
      now += 1000;
      simulation.tick(now);
    }
  };

  beforeAll(async () => {
    server = await serve({
      json: {
        AmazonEC2ContainerServiceV20141113: {
          service: ecs.service,
          contentType: 'application/x-amz-json-1.1',
        },
      },
    });
    client = new ECSClient(clientConfig(server.endpoint));
    ecs.createCluster('prod');
    await client.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [{ name: 'app', image: IMAGE(1), portMappings: [{ containerPort: 8080 }] }],
        cpu: '256',
        memory: '512',
      }),
    );
    await client.send(
      new CreateServiceCommand({
        cluster: 'prod',
        serviceName: 'web',
        desiredCount: 2,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
  });

  afterAll(async () => {
    client.destroy();
    await server.close();
  });

  it('registers a release copy through the production adapter, and reuses it for the same digest', async () => {
    const definitions = new EcsTaskDefinitions(client);
    const from = 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1';
    const first = await definitions.registerRelease({
      from,
      container: 'app',
      image: IMAGE(2),
      tags: { 'cutover:release': '2' },
    });
    expect(first).toEqual({ arn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2', reused: false });
    const again = await definitions.registerRelease({ from, container: 'app', image: IMAGE(2), tags: {} });
    expect(again).toEqual({ arn: first.arn, reused: true });
    expect(await definitions.describe(first.arn)).toMatchObject({
      family: 'web',
      revision: 2,
      images: { app: IMAGE(2) },
      ports: { app: 8080 },
    });
  });

  it('finds the newest revision of a family, with its tags', async () => {
    const definitions = new EcsTaskDefinitions(client);
    await expect(definitions.newest('web')).resolves.toMatchObject({
      revision: 2,
      tags: { 'cutover:release': '2' },
    });
    await expect(definitions.newest('nothing')).resolves.toBeNull();
  });

  it('runs task sets whose tasks start, register and become healthy; the first one is primary', async () => {
    const taskSets = new EcsTaskSets(client);
    const stable = await taskSets.create(service, {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      targetGroupArn: TG,
      container: 'app',
      containerPort: 8080,
      scalePercent: 100,
      externalId: 'initial',
    });
    expect(stable.status).toBe('PRIMARY');
    expect(await taskSets.health(service, stable.id)).toMatchObject({
      desired: 2,
      running: 0,
      steady: false,
    });
    advance(60);
    expect(await taskSets.health(service, stable.id)).toEqual({
      desired: 2,
      running: 2,
      pending: 0,
      failed: 0,
      failureReasons: [],
      steady: true,
    });
    expect([...targets.health.values()]).toEqual(['healthy', 'healthy']);
    // Idempotent by externalId.
    const again = await taskSets.create(service, {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      targetGroupArn: TG,
      container: 'app',
      containerPort: 8080,
      scalePercent: 100,
      externalId: 'initial',
    });
    expect(again.id).toBe(stable.id);
  });

  it('counts the failed tasks of a crashing image, and replaces them', async () => {
    const definitions = new EcsTaskDefinitions(client);
    const taskSets = new EcsTaskSets(client);
    const { arn } = await definitions.registerRelease({
      from: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      container: 'app',
      image: IMAGE(9),
      tags: {},
    });
    const crashing = await taskSets.create(service, {
      taskDefinitionArn: arn,
      targetGroupArn: TG,
      container: 'app',
      containerPort: 8080,
      scalePercent: 100,
      externalId: 'dep-crash',
    });
    advance(60);
    const health = await taskSets.health(service, crashing.id);
    expect(health.steady).toBe(false);
    expect(health.failed).toBeGreaterThanOrEqual(2);
    const stopped = await client.send(
      new ListTasksCommand({ cluster: 'prod', family: 'web', desiredStatus: 'STOPPED' }),
    );
    const described = await client.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: stopped.taskArns! }),
    );
    expect(
      described.tasks!.some((t) => t.stopCode === 'EssentialContainerExited' && t.startedBy === crashing.id),
    ).toBe(true);
    await taskSets.scale(service, crashing.id, 0);
    await taskSets.remove(service, crashing.id);
    expect((await taskSets.list(service)).map((t) => t.externalId)).toEqual(['initial']);
  });

  it('stops the tasks of an image the registry does not hold with CannotPullContainerError, as ECS does', async () => {
    const taskSets = new EcsTaskSets(client);
    const { arn } = await new EcsTaskDefinitions(client).registerRelease({
      from: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
      container: 'app',
      image: IMAGE(8),
      tags: {},
    });
    const missing = await taskSets.create(service, {
      taskDefinitionArn: arn,
      targetGroupArn: TG,
      container: 'app',
      containerPort: 8080,
      scalePercent: 100,
      externalId: 'dep-missing',
    });
    advance(30);
    const health = await taskSets.health(service, missing.id);
    expect(health).toMatchObject({ running: 0, steady: false });
    expect(health.failed).toBeGreaterThanOrEqual(2);
    const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${IMAGE(8)}: ${IMAGE(8)}: not found`;
    expect(health.failureReasons).toEqual([reason]);
    const stopped = await client.send(
      new ListTasksCommand({ cluster: 'prod', family: 'web', desiredStatus: 'STOPPED' }),
    );
    const described = await client.send(
      new DescribeTasksCommand({ cluster: 'prod', tasks: stopped.taskArns! }),
    );
    const mine = described.tasks!.filter((t) => t.startedBy === missing.id);
    expect(mine.length).toBeGreaterThanOrEqual(2);
    // It never ran: no start time, and its target was never registered.
    expect(mine.every((t) => t.stopCode === 'TaskFailedToStart' && t.stoppedReason === reason)).toBe(true);
    expect(mine.every((t) => t.startedAt === undefined)).toBe(true);
    await taskSets.scale(service, missing.id, 0);
    await taskSets.remove(service, missing.id);
  });

  it('scales, promotes and refuses to delete the primary task set', async () => {
    const taskSets = new EcsTaskSets(client);
    const candidate = await taskSets.create(service, {
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:2',
      targetGroupArn: TG.replace('web-blue', 'web-green'),
      container: 'app',
      containerPort: 8080,
      scalePercent: 50,
      externalId: 'dep-2',
    });
    advance(60);
    expect(await taskSets.health(service, candidate.id)).toMatchObject({
      desired: 1,
      running: 1,
      steady: true,
    });
    await taskSets.makePrimary(service, candidate.id);
    const sets = await taskSets.list(service);
    expect(sets.find((t) => t.id === candidate.id)?.status).toBe('PRIMARY');
    const old = sets.find((t) => t.externalId === 'initial')!;
    await expect(taskSets.remove(service, candidate.id)).rejects.toThrow(/primary/);
    await taskSets.scale(service, old.id, 0);
    await taskSets.remove(service, old.id);
    advance(5);
    expect(ecs.state.tasks.filter((t) => t.startedBy === old.id && t.lastStatus !== 'STOPPED')).toEqual([]);
  });

  it('answers with ECS error shapes the SDK maps to its exception classes', async () => {
    const taskSets = new EcsTaskSets(client);
    await expect(taskSets.list({ cluster: 'prod', service: 'nope' })).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
    await expect(taskSets.list({ cluster: 'nope', service: 'web' })).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(
      client.send(new ListTasksCommand({ cluster: 'prod', startedBy: 'x', desiredStatus: 'STOPPED' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
  });
});
