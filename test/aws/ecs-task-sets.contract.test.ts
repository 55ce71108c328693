// Contract tests of EcsTaskSets against moto_server: a cluster with EXTERNAL-controller services,
// real target groups, and task sets created, scaled, promoted and deleted through the adapter,
// with the outcome read back through the SDK.

import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopTaskCommand,
  UpdateServicePrimaryTaskSetCommand,
  type NetworkConfiguration,
  type TaskSet as EcsTaskSet,
} from '@aws-sdk/client-ecs';
import {
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcsTaskSets } from '../../shared/aws/ecs-task-sets.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import type { EcsService } from '../../shared/ports/ecs.js';
import {
  emulatorClientConfig,
  motoAvailable,
  motoDefaultNetwork,
  startMoto,
  type Emulator,
} from '../../harness/emulators.js';

const CLUSTER = 'cutover-contract';
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'1a'.repeat(32)}`;

describe.skipIf(!motoAvailable())('EcsTaskSets against moto_server', () => {
  let moto: Emulator;
  let ecs: ECSClient;
  let elb: ElasticLoadBalancingV2Client;
  let taskSets: EcsTaskSets;
  let network: NetworkConfiguration;
  let taskDefinitionArn: string;
  let blueTargetGroup: string;
  let greenTargetGroup: string;
  let serviceCount = 0;

  beforeAll(async () => {
    moto = await startMoto();
    ecs = new ECSClient(emulatorClientConfig(moto.endpoint));
    elb = new ElasticLoadBalancingV2Client(emulatorClientConfig(moto.endpoint));
    taskSets = new EcsTaskSets(ecs);
    const vpc = await motoDefaultNetwork(moto.endpoint);
    network = {
      awsvpcConfiguration: {
        subnets: vpc.subnets,
        securityGroups: [vpc.securityGroup],
        assignPublicIp: 'DISABLED',
      },
    };
    await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER }));
    const registered = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        // Container-level memory: moto 5.2 answers 500 when it starts tasks for a task set whose
        // containers leave memory to the task level, as Fargate allows.
        containerDefinitions: [
          { name: 'app', image: IMAGE, memory: 512, portMappings: [{ containerPort: 8080 }] },
        ],
      }),
    );
    taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? '';
    blueTargetGroup = await targetGroup('web-blue', vpc.vpcId);
    greenTargetGroup = await targetGroup('web-green', vpc.vpcId);
  });

  afterAll(async () => {
    ecs?.destroy();
    elb?.destroy();
    await moto?.stop();
  });

  async function targetGroup(name: string, vpcId: string): Promise<string> {
    const output = await elb.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: vpcId,
        TargetType: 'ip',
      }),
    );
    return output.TargetGroups?.[0]?.TargetGroupArn ?? '';
  }

  /** A fresh EXTERNAL-controller service, so that no case sees another's task sets. */
  async function newService(): Promise<EcsService> {
    serviceCount += 1;
    const service = { cluster: CLUSTER, service: `web-${serviceCount}` };
    await ecs.send(
      new CreateServiceCommand({
        cluster: CLUSTER,
        serviceName: service.service,
        desiredCount: 4,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    return service;
  }

  /** The running release: a Fargate task set behind the blue target group, made primary. */
  async function withPrimary(service: EcsService): Promise<EcsTaskSet> {
    const created = await ecs.send(
      new CreateTaskSetCommand({
        ...service,
        taskDefinition: taskDefinitionArn,
        externalId: 'dep-blue',
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn: blueTargetGroup, containerName: 'app', containerPort: 8080 }],
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    const blue = created.taskSet ?? {};
    await ecs.send(new UpdateServicePrimaryTaskSetCommand({ ...service, primaryTaskSet: blue.taskSetArn }));
    return blue;
  }

  function greenInput(externalId: string, scalePercent = 0) {
    return {
      taskDefinitionArn,
      targetGroupArn: greenTargetGroup,
      container: 'app',
      containerPort: 8080,
      scalePercent,
      externalId,
    };
  }

  async function readTaskSet(service: EcsService, taskSet: string): Promise<EcsTaskSet | undefined> {
    const output = await ecs.send(new DescribeTaskSetsCommand({ ...service, taskSets: [taskSet] }));
    return output.taskSets?.[0];
  }

  async function serviceTaskSets(service: EcsService): Promise<EcsTaskSet[]> {
    const output = await ecs.send(
      new DescribeServicesCommand({ cluster: service.cluster, services: [service.service] }),
    );
    return output.services?.[0]?.taskSets ?? [];
  }

  describe('list', () => {
    it("maps the service's task sets: status, revision, target group, externalId and scale", async () => {
      const service = await newService();
      const blue = await withPrimary(service);

      await expect(taskSets.list(service)).resolves.toEqual([
        {
          id: blue.id,
          arn: blue.taskSetArn,
          status: 'PRIMARY',
          taskDefinitionArn,
          targetGroupArn: blueTargetGroup,
          externalId: 'dep-blue',
          scalePercent: 100,
        },
      ]);
    });

    it('throws ResourceNotFound for a service or a cluster that does not exist', async () => {
      await expect(taskSets.list({ cluster: CLUSTER, service: 'no-such-service' })).rejects.toBeInstanceOf(
        ResourceNotFound,
      );
      await expect(taskSets.list({ cluster: 'no-such-cluster', service: 'web' })).rejects.toBeInstanceOf(
        ResourceNotFound,
      );
    });
  });

  describe('create', () => {
    it("creates the task set behind the given target group, placed like the primary's", async () => {
      const service = await newService();
      await withPrimary(service);

      const green = await taskSets.create(service, greenInput('dep-green', 10));

      expect(green).toMatchObject({
        status: 'ACTIVE',
        taskDefinitionArn,
        targetGroupArn: greenTargetGroup,
        externalId: 'dep-green',
        scalePercent: 10,
      });
      const stored = await readTaskSet(service, green.id);
      expect(stored).toMatchObject({
        taskSetArn: green.arn,
        launchType: 'FARGATE',
        platformVersion: '1.4.0',
        networkConfiguration: network,
        loadBalancers: [{ targetGroupArn: greenTargetGroup, containerName: 'app', containerPort: 8080 }],
        scale: { value: 10, unit: 'PERCENT' },
      });
    });

    it('returns the task set that already has the externalId instead of creating a second one', async () => {
      const service = await newService();
      await withPrimary(service);
      const first = await taskSets.create(service, greenInput('dep-retried'));

      const again = await taskSets.create(service, greenInput('dep-retried'));

      expect(again).toEqual(first);
      const withId = (await serviceTaskSets(service)).filter(
        (taskSet) => taskSet.externalId === 'dep-retried',
      );
      expect(withId).toHaveLength(1);
    });

    // known moto gap: moto 5.2 starts the tasks of a new task set at once and, with no launch type
    // given, places them on EC2 container instances; with none registered it answers 500. AWS
    // documents that CreateTaskSet without launchType or capacityProviderStrategy uses the
    // cluster's default strategy (or EC2) and places tasks asynchronously, see
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateTaskSet.html
    it.fails('creates the first task set of a service that has no primary yet', async () => {
      const service = await newService();

      const first = await taskSets.create(service, greenInput('dep-first', 100));

      expect(first).toMatchObject({ status: 'ACTIVE', externalId: 'dep-first' });
      expect(await serviceTaskSets(service)).toHaveLength(1);
    });
  });

  describe('scale', () => {
    it('sets the task set scale as a percentage of the desired count', async () => {
      const service = await newService();
      await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-scale'));

      await taskSets.scale(service, green.id, 25);

      expect((await readTaskSet(service, green.id))?.scale).toEqual({ value: 25, unit: 'PERCENT' });
    });

    // known moto gap: moto 5.2 answers UpdateTaskSet for an unknown task set with a 500 (an
    // IndexError), vs AWS documents TaskSetNotFoundException, see
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateTaskSet.html
    it.fails('throws ResourceNotFound for a task set that does not exist', async () => {
      const service = await newService();

      await expect(taskSets.scale(service, 'ecs-svc/1234567890123456789', 50)).rejects.toBeInstanceOf(
        ResourceNotFound,
      );
    });
  });

  describe('makePrimary', () => {
    // known moto gap: moto 5.2 finds the task set by id but then marks PRIMARY only the task set
    // whose ARN equals the argument, so a task set id leaves every task set ACTIVE; AWS documents
    // that primaryTaskSet takes the short name or full ARN, see
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateServicePrimaryTaskSet.html
    it.fails('makes the task set (given by id) the primary one, and the old primary active', async () => {
      const service = await newService();
      const blue = await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-promote'));

      await taskSets.makePrimary(service, green.id);

      expect((await readTaskSet(service, green.id))?.status).toBe('PRIMARY');
      expect((await readTaskSet(service, blue.id ?? ''))?.status).toBe('ACTIVE');
    });

    it('makes the task set (given by ARN) the primary one, and the old primary active', async () => {
      const service = await newService();
      const blue = await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-promote-arn'));

      await taskSets.makePrimary(service, green.arn);

      expect((await readTaskSet(service, green.id))?.status).toBe('PRIMARY');
      expect((await readTaskSet(service, blue.id ?? ''))?.status).toBe('ACTIVE');
      expect((await taskSets.list(service)).find((taskSet) => taskSet.status === 'PRIMARY')?.id).toBe(
        green.id,
      );
    });
  });

  describe('remove', () => {
    it('deletes the task set', async () => {
      const service = await newService();
      await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-remove'));

      await taskSets.remove(service, green.id);

      // AWS keeps a deleted task set DRAINING until its tasks stop; moto drops it at once.
      const after = await readTaskSet(service, green.id);
      expect(after === undefined || after.status === 'DRAINING').toBe(true);
      const live = (await taskSets.list(service)).filter((taskSet) => taskSet.status !== 'DRAINING');
      expect(live.map((taskSet) => taskSet.externalId)).toEqual(['dep-blue']);
    });

    it('treats a task set that is already gone as removed (a retried step)', async () => {
      const service = await newService();
      await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-remove-twice'));
      await taskSets.remove(service, green.id);

      await expect(taskSets.remove(service, green.id)).resolves.toBeUndefined();
      await expect(taskSets.remove(service, 'ecs-svc/1234567890123456789')).resolves.toBeUndefined();
      expect(await serviceTaskSets(service)).toHaveLength(1);
    });
  });

  describe('health', () => {
    it("counts the task set's stopped tasks that failed health checks, not ones stopped on purpose", async () => {
      const service = await newService();
      const blue = await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-health', 50));
      // ECS starts a task set's tasks with startedBy set to the task set id; moto never runs
      // them, so the test starts and stops them the same way.
      const failedHealthCheck = `Task failed ELB health checks in (target-group ${greenTargetGroup})`;
      const greenTasks = await runTasks(green.id, 3);
      await stopTask(greenTasks[0], failedHealthCheck);
      await stopTask(greenTasks[1], 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)');
      const blueTasks = await runTasks(blue.id ?? '', 1);
      await stopTask(blueTasks[0], failedHealthCheck);

      const health = await taskSets.health(service, green.id);

      expect(health.failed).toBe(1);
      expect(health.steady).toBe(true);
      expect((await taskSets.health(service, blue.id ?? '')).failed).toBe(1);
    });

    it('reads the counts and stability alone as capacity, and refuses a task set that is gone', async () => {
      const service = await newService();
      await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-capacity', 50));

      const { desired, running, pending, steady } = await taskSets.health(service, green.id);
      expect(await taskSets.capacity(service, green.id)).toEqual({ desired, running, pending, steady });
      await taskSets.remove(service, green.id);
      await expect(taskSets.capacity(service, green.id)).rejects.toBeInstanceOf(ResourceNotFound);
    });

    it('reads several task sets in one call by id, leaving out one that is gone', async () => {
      const service = await newService();
      const blue = await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-capacities', 50));
      const gone = await taskSets.create(service, greenInput('dep-gone', 0));
      await taskSets.remove(service, gone.id);

      const counts = await taskSets.capacities(service, [blue.id ?? '', green.id, gone.id]);
      expect([...counts.keys()].sort()).toEqual([blue.id, green.id].sort());
      expect(counts.get(green.id)).toEqual(await taskSets.capacity(service, green.id));
      expect((await taskSets.capacities(service, [])).size).toBe(0);
    });

    // known moto gap: moto 5.2 leaves computedDesiredCount, runningCount and pendingCount out of
    // DescribeTaskSets, vs AWS documents computedDesiredCount as the service's desired count times
    // the task set's scale, rounded up, see
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskSet.html
    it.fails("reports the desired count ECS computed from the task set's scale", async () => {
      const service = await newService();
      await withPrimary(service);
      const green = await taskSets.create(service, greenInput('dep-desired', 50));

      const health = await taskSets.health(service, green.id);

      expect(health.desired).toBe(2);
    });

    // known moto gap: moto 5.2 never runs tasks and never sets a task's stopCode, vs AWS documents
    // stopCode TaskFailedToStart and EssentialContainerExited for tasks that could not start or
    // whose essential container exited, see
    // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Task.html
    it.skip('counts tasks that failed to start (an image that cannot be pulled)', async () => {
      const service = await newService();
      await withPrimary(service);
      const broken = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'web-broken',
          networkMode: 'awsvpc',
          requiresCompatibilities: ['FARGATE'],
          cpu: '256',
          memory: '512',
          containerDefinitions: [{ name: 'app', image: `${IMAGE.split('@')[0]}@sha256:${'0'.repeat(64)}` }],
        }),
      );
      const green = await taskSets.create(service, {
        ...greenInput('dep-broken', 100),
        taskDefinitionArn: broken.taskDefinition?.taskDefinitionArn ?? '',
      });

      let failed = 0;
      for (let attempt = 0; attempt < 60 && failed === 0; attempt += 1) {
        failed = (await taskSets.health(service, green.id)).failed;
        if (failed === 0) await new Promise((resolve) => setTimeout(resolve, 5_000));
      }

      expect(failed).toBeGreaterThan(0);
    }, 330_000);

    it('throws ResourceNotFound for a task set that does not exist', async () => {
      const service = await newService();

      const error = await taskSets
        .health(service, 'ecs-svc/1234567890123456789')
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ResourceNotFound);
      expect((error as Error).message).toContain('ecs-svc/1234567890123456789');
    });
  });

  async function runTasks(startedBy: string, count: number): Promise<string[]> {
    const output = await ecs.send(
      new RunTaskCommand({
        cluster: CLUSTER,
        taskDefinition: taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: network,
        startedBy,
        count,
      }),
    );
    return (output.tasks ?? []).map((task) => task.taskArn ?? '');
  }

  async function stopTask(task: string | undefined, reason: string): Promise<void> {
    await ecs.send(new StopTaskCommand({ cluster: CLUSTER, task, reason }));
  }
});
