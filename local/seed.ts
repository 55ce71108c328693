// First start of the local cloud: everything the catalog names is created, as a
// platform team would have it before adopting Cutover. For each service: an ECR
// repository with image v1, an ECS cluster and EXTERNAL service with one task set
// running v1 behind the first target group, the listener rules and target groups,
// the alarms the catalog defines, and release 1 recorded in the ledger. The release-1 tasks
// have been running for a while: healthy, registered, serving from the first tick (a service
// still starting would answer with the load balancer's 503s, which its 5xx alarm counts).
// A later start seeds the services its catalog added the same way (catalog-changes.ts).

import { alarmDefinitions, type Catalog, type ServiceEntry } from '../shared/domain/catalog-schema.js';
import { appendOnce } from '../shared/engine/ledger-append.js';
import type { Clock } from '../shared/ports/clock.js';
import type { ServiceStates } from '../shared/ports/deployments.js';
import type { RecordSigner } from '../shared/domain/ledger-signature.js';
import type { ReleaseLedger } from '../shared/ports/ledger.js';
import { putMetricAlarmInput } from './alarms.js';
import type { LocalCloudWatch } from './aws/cloudwatch.js';
import { LocalEcr } from './aws/ecr.js';
import type { LocalEcs } from './aws/ecs.js';
import { LOCAL_NETWORK_CONFIGURATION } from './world/network.js';
import { loadBalancerDimension, targetGroupDimension, type LocalElbv2 } from './aws/elbv2.js';
import { EcsSimulation } from './world/ecs-simulation.js';
import { imageBehaviour } from './world/world.js';

export interface SeedParts {
  catalog: Catalog;
  clock: Clock;
  ecs: LocalEcs;
  elb: LocalElbv2;
  ecr: LocalEcr;
  cloudwatch: LocalCloudWatch;
  ledger: ReleaseLedger;
  signer: RecordSigner;
  serviceStates: ServiceStates;
  desiredCount: number;
}

const CONTAINER_PORT = 8080;

export async function seed(parts: SeedParts): Promise<void> {
  await seedServices(parts, Object.keys(parts.catalog.services));
}

/** Creates the named services of the catalog, then lets their tasks (only theirs) run for a while. */
export async function seedServices(parts: SeedParts, names: readonly string[]): Promise<void> {
  const created = new Set<string>();
  for (const name of names) created.add(await seedService(parts, name, parts.catalog.services[name]!));
  new EcsSimulation(parts.ecs, parts.elb, imageBehaviour(parts.ecr)).warmUp(parts.clock.now(), 120, created);
}

/** Creates one service; returns its ECS service's ARN. */
async function seedService(parts: SeedParts, name: string, entry: ServiceEntry): Promise<string> {
  const { ecs, elb, ecr, cloudwatch } = parts;
  const { traffic } = entry;
  elb.adoptRoute(traffic.productionListenerRule, traffic.targetGroups, `/${name}/*`);
  if (traffic.testListenerRule !== undefined)
    elb.adoptRoute(traffic.testListenerRule, traffic.targetGroups, `/${name}/*`);
  if (traffic.baselineTargetGroup !== undefined) elb.adoptTargetGroup(traffic.baselineTargetGroup);

  const repository = entry.images.repositories[0]!;
  for (const repo of entry.images.repositories) ecr.ensureRepository(repo);
  const pushed = ecr.putImage({
    repositoryName: repository,
    imageTag: 'v1',
    imageManifest: LocalEcr.manifest(repository, 'v1', 'healthy'),
  });
  const image = `${ecr.registry}/${repository}@${pushed.image.imageId.imageDigest}`;

  ecs.createCluster(entry.ecs.cluster);
  const registered = ecs.registerTaskDefinition({
    family: entry.ecs.service,
    containerDefinitions: [
      {
        name: entry.ecs.container,
        image,
        essential: true,
        portMappings: [{ containerPort: CONTAINER_PORT }],
      },
    ],
    ...(entry.ecs.taskRole === undefined ? {} : { taskRoleArn: entry.ecs.taskRole }),
    ...(entry.ecs.executionRole === undefined ? {} : { executionRoleArn: entry.ecs.executionRole }),
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
  });
  const taskDefinitionArn = registered.taskDefinition.taskDefinitionArn;
  const service = ecs.createService({
    cluster: entry.ecs.cluster,
    serviceName: entry.ecs.service,
    desiredCount: parts.desiredCount,
    launchType: 'FARGATE',
    deploymentController: { type: 'EXTERNAL' },
  });
  const created = (await ecs.service.operations.CreateTaskSet!({
    cluster: entry.ecs.cluster,
    service: entry.ecs.service,
    taskDefinition: taskDefinitionArn,
    externalId: 'initial',
    loadBalancers: [
      {
        targetGroupArn: traffic.targetGroups[0],
        containerName: entry.ecs.container,
        containerPort: CONTAINER_PORT,
      },
    ],
    scale: { value: 100, unit: 'PERCENT' },
    networkConfiguration: LOCAL_NETWORK_CONFIGURATION,
  })) as { taskSet: { id: string } };

  const groups = traffic.targetGroups.map((group) => ({
    TargetGroup: targetGroupDimension(group),
    LoadBalancer: loadBalancerDimension(elb.loadBalancerOf(group) ?? ''),
  }));
  for (const alarm of alarmDefinitions(entry)) {
    await cloudwatch.service.operations.PutMetricAlarm!(putMetricAlarmInput(alarm, groups));
  }

  // Release 1: what runs before the first deployment, on the record.
  const record = { service: name, deploymentId: `${name}-initial`, release: 1, actor: 'cutover local start' };
  await appendOnce(parts, {
    ...record,
    type: 'ReleaseStarted',
    detail: { image, strategy: entry.strategy, trigger: 'console' },
  });
  await appendOnce(parts, { ...record, type: 'Promoted', detail: { image, taskDefinitionArn } });
  await parts.serviceStates.setStable(name, {
    release: 1,
    image,
    taskSetId: created.taskSet.id,
    taskDefinitionArn,
    targetGroupArn: traffic.targetGroups[0],
  });
  return service.serviceArn;
}
