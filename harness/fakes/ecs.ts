// In-memory ECS: task definitions and task sets, with task sets whose health
// follows the profile of their image (tests pick healthy, unhealthy, crashing).

import type {
  CreateTaskSetInput,
  EcsService,
  RegisterReleaseInput,
  TaskDefinitionSummary,
  TaskDefinitions,
  TaskSet,
  TaskSetCapacity,
  TaskSetHealth,
  TaskSets,
} from '../../shared/ports/ecs.js';

export type HealthProfile = 'healthy' | 'unhealthy' | 'crashing';

interface FakeTaskSet extends TaskSet {
  checks: number;
  image: string;
}

const key = (s: EcsService) => `${s.cluster}/${s.service}`;

export class FakeEcs implements TaskDefinitions, TaskSets {
  readonly definitions = new Map<string, TaskDefinitionSummary>();
  readonly services = new Map<string, FakeTaskSet[]>();
  /** How a task set running an image behaves; images not listed are healthy. */
  readonly profiles = new Map<string, HealthProfile>();
  /** Health checks a healthy task set needs before it reports steady state. */
  checksUntilSteady = 2;
  desiredCount = 4;
  private nextId = 1;

  // --- task definitions ---
  describe(arn: string): Promise<TaskDefinitionSummary> {
    const definition = this.definitions.get(arn);
    if (definition === undefined) return Promise.reject(new Error(`no task definition ${arn}`));
    return Promise.resolve(structuredClone(definition));
  }

  newest(family: string): Promise<TaskDefinitionSummary | null> {
    const revisions = [...this.definitions.values()].filter((d) => d.family === family);
    return Promise.resolve(structuredClone(revisions.at(-1) ?? null));
  }

  registerRelease(input: RegisterReleaseInput): Promise<{ arn: string; reused: boolean }> {
    const from = this.definitions.get(input.from);
    if (from === undefined) return Promise.reject(new Error(`no task definition ${input.from}`));
    const wanted = { ...from.images, [input.container]: input.image };
    for (const d of this.definitions.values()) {
      if (d.family === from.family && JSON.stringify(d.images) === JSON.stringify(wanted)) {
        return Promise.resolve({ arn: d.arn, reused: true });
      }
    }
    return Promise.resolve({
      arn: this.addDefinition(from.family, wanted, from.ports, input.tags).arn,
      reused: false,
    });
  }

  addDefinition(
    family: string,
    images: Record<string, string>,
    ports: Record<string, number | undefined>,
    tags: Record<string, string> = {},
  ) {
    const revision = [...this.definitions.values()].filter((d) => d.family === family).length + 1;
    const arn = `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`;
    const summary: TaskDefinitionSummary = { arn, family, revision, images, ports, tags };
    this.definitions.set(arn, summary);
    return summary;
  }

  // --- task sets ---
  list(service: EcsService): Promise<TaskSet[]> {
    return Promise.resolve(this.setsOf(service).map((s) => this.view(s)));
  }

  create(service: EcsService, input: CreateTaskSetInput): Promise<TaskSet> {
    const sets = this.setsOf(service);
    const existing = sets.find((s) => s.externalId === input.externalId);
    if (existing) return Promise.resolve(this.view(existing));
    const definition = this.definitions.get(input.taskDefinitionArn);
    const image = definition?.images[input.container] ?? 'unknown';
    const id = `ecs-svc/${String(this.nextId++).padStart(19, '0')}`;
    const taskSet: FakeTaskSet = {
      id,
      arn: `arn:aws:ecs:us-east-1:123456789012:task-set/${key(service)}/${id}`,
      status: 'ACTIVE',
      taskDefinitionArn: input.taskDefinitionArn,
      targetGroupArn: input.targetGroupArn,
      externalId: input.externalId,
      scalePercent: input.scalePercent,
      checks: 0,
      image,
    };
    sets.push(taskSet);
    return Promise.resolve(this.view(taskSet));
  }

  scale(service: EcsService, taskSetId: string, percent: number): Promise<void> {
    this.find(service, taskSetId).scalePercent = percent;
    return Promise.resolve();
  }

  makePrimary(service: EcsService, taskSetId: string): Promise<void> {
    const target = this.find(service, taskSetId);
    for (const s of this.setsOf(service)) if (s.status === 'PRIMARY') s.status = 'ACTIVE';
    target.status = 'PRIMARY';
    return Promise.resolve();
  }

  remove(service: EcsService, taskSetId: string): Promise<void> {
    const sets = this.setsOf(service);
    const index = sets.findIndex((s) => s.id === taskSetId);
    if (index >= 0) {
      if (sets[index]!.status === 'PRIMARY')
        return Promise.reject(new Error('cannot delete the PRIMARY task set'));
      sets.splice(index, 1);
    }
    return Promise.resolve();
  }

  health(service: EcsService, taskSetId: string): Promise<TaskSetHealth> {
    const taskSet = this.find(service, taskSetId);
    taskSet.checks += 1;
    const desired = Math.ceil((this.desiredCount * taskSet.scalePercent) / 100);
    const profile = this.profiles.get(taskSet.image) ?? 'healthy';
    if (profile === 'crashing') {
      return Promise.resolve({
        desired,
        running: 0,
        pending: desired,
        failed: taskSet.checks,
        failureReasons: ['Essential container in task exited'],
        steady: false,
      });
    }
    const steady = profile === 'healthy' && taskSet.checks >= this.checksUntilSteady;
    return Promise.resolve({
      desired,
      running: steady ? desired : 0,
      pending: steady ? 0 : desired,
      failed: 0,
      failureReasons: [],
      steady,
    });
  }

  /** Counts only; a look like health's (it counts towards steady state). */
  async capacity(service: EcsService, taskSetId: string): Promise<TaskSetCapacity> {
    const { desired, running, pending, steady } = await this.health(service, taskSetId);
    return { desired, running, pending, steady };
  }

  /** Counts alone, without a look that counts towards steady state (a status view reads these). */
  capacities(service: EcsService, taskSetIds: readonly string[]): Promise<Map<string, TaskSetCapacity>> {
    const found = new Map<string, TaskSetCapacity>();
    for (const taskSet of this.setsOf(service).filter((s) => taskSetIds.includes(s.id))) {
      const desired = Math.ceil((this.desiredCount * taskSet.scalePercent) / 100);
      const profile = this.profiles.get(taskSet.image) ?? 'healthy';
      const steady = profile === 'healthy' && taskSet.checks >= this.checksUntilSteady;
      found.set(taskSet.id, {
        desired,
        running: steady ? desired : 0,
        pending: steady ? 0 : desired,
        steady,
      });
    }
    return Promise.resolve(found);
  }

  // --- helpers for tests ---
  setsOf(service: EcsService): FakeTaskSet[] {
    let sets = this.services.get(key(service));
    if (sets === undefined) {
      sets = [];
      this.services.set(key(service), sets);
    }
    return sets;
  }

  private find(service: EcsService, taskSetId: string): FakeTaskSet {
    const found = this.setsOf(service).find((s) => s.id === taskSetId);
    if (found === undefined) throw new Error(`no task set ${taskSetId} in ${key(service)}`);
    return found;
  }

  private view(s: FakeTaskSet): TaskSet {
    const { checks: _checks, image: _image, ...taskSet } = s;
    return { ...taskSet };
  }
}
