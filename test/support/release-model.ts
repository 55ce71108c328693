// The model-based safety test's world: a local cloud driven as people and AWS drive it
// (pushes, deploys, operator actions, alarms, restarts), and the invariants users rely on,
// read back from the outside (ECS, ELBv2, the ledger, the HTTP API). test/reliability/
// model.test.ts generates the command sequences; docs/reliability.md states the invariants.

import { DescribeTaskDefinitionCommand, DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalEcr } from '../../local/aws/ecr.js';
import { callApi, ledger, startCloud, until, weights, type CloudHandle } from '../../harness/local-cloud.js';

export const SERVICES = ['linear', 'bluegreen'] as const;
export type Service = (typeof SERVICES)[number];
export const PROFILES = ['healthy', 'faulty', 'unhealthy'] as const;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

/** What the model knows: the images people pushed, and every operator answer with its token. */
export interface Model {
  pushed: Record<Service, { tag: string; digest: string; profile: string }[]>;
  /** Operator requests by their unique reason: whether the API accepted them. */
  actions: { service: Service; token: string; accepted: boolean }[];
  /** Rollbacks the API accepted: the live image must then be one that was promoted before. */
  rollbacks: number;
  next: number;
}

export function emptyModel(): Model {
  return { pushed: { linear: [], bluegreen: [] }, actions: [], rollbacks: 0, next: 1 };
}

export class World {
  private constructor(
    public handle: CloudHandle,
    private readonly dataDir: string,
    private readonly port: number,
  ) {}

  /** A fresh local cloud on `port`, which must be the same for a whole test file (handlers read it once). */
  static async start(port: number): Promise<World> {
    const dataDir = mkdtempSync(join(tmpdir(), 'cutover-model-'));
    return new World(await startCloud({ port, dataDir }), dataDir, port);
  }

  async stop(): Promise<void> {
    await this.handle.stop();
  }

  /** Stops the local cloud (running executions are cut off) and starts it again on its data. */
  async restart(): Promise<void> {
    await this.handle.stop();
    this.handle = await startCloud({ port: this.port, dataDir: this.dataDir });
  }

  push(service: Service, tag: string, profile: string): string {
    return this.handle.cloud.ecr.putImage({
      repositoryName: service,
      imageTag: tag,
      imageManifest: LocalEcr.manifest(service, tag, profile),
    }).image.imageId.imageDigest;
  }

  image(service: Service, digest: string): string {
    return `${REGISTRY}/${service}@${digest}`;
  }

  api(method: string, path: string, body?: unknown, actor = 'operator:model') {
    return callApi(this.handle, method, path, body, actor);
  }

  async alarm(service: Service, state: 'ALARM' | 'OK'): Promise<void> {
    await this.handle.clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: `${service}-5xx-rate`,
        StateValue: state,
        StateReason: `the model forced it to ${state}`,
      }),
    );
  }

  /** The deployment in progress for a service, if any (as the API shows it). */
  async current(service: Service): Promise<{ deploymentId: string; waitingForApproval: boolean } | null> {
    const [newest] = await this.handle.clients.deployments.listByService(service, 1);
    if (newest === undefined || newest.status !== 'running') return null;
    return { deploymentId: newest.deploymentId, waitingForApproval: newest.approval !== undefined };
  }

  /**
   * Waits until no deployment of the service runs and its lock is free, or the one that runs
   * waits for a person, and it stays so for half a real second: a push is delivered and started asynchronously,
   * so a moment with nothing running may come before its deployment does. A record that
   * waits for approval counts only while its execution runs: after a restart, the record of
   * a cut-off execution still says so until recovery rolls it back. Returns whether it waits.
   */
  async settle(service: Service): Promise<{ waiting: boolean }> {
    let quiet = 0;
    let waiting = false;
    await until(
      async () => {
        const running = this.handle.cloud.stepFunctions
          .runningExecutions()
          .some((e) => e.name.startsWith(`${service}-`));
        const current = await this.current(service);
        const locked = (await this.handle.clients.locks.holder(service)) !== null;
        waiting = running && current?.waitingForApproval === true;
        const settled = (!running && current === null && !locked) || waiting;
        quiet = settled ? quiet + 1 : 0;
        return quiet >= 10;
      },
      `${service} to settle`,
      90_000,
    );
    return { waiting };
  }

  /** The image the PRIMARY task set runs, its target group, and how many task sets there are. */
  async live(service: Service) {
    const { ecs } = this.handle.catalog.services[service]!;
    const described = await this.handle.clients.ecs.send(
      new DescribeTaskSetsCommand({ cluster: ecs.cluster, service: ecs.service }),
    );
    const sets = described.taskSets ?? [];
    const primary = sets.find((s) => s.status === 'PRIMARY');
    const definition = await this.handle.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: primary!.taskDefinition }),
    );
    return {
      image: definition.taskDefinition!.containerDefinitions![0]!.image!,
      targetGroup: primary!.loadBalancers?.[0]?.targetGroupArn?.split('/').at(-2),
      taskSets: sets.length,
    };
  }

  async ledger(service: Service) {
    return ledger(this.handle, service);
  }

  async weights(service: Service) {
    return weights(this.handle, service);
  }
}
