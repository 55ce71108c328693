// TaskDefinitions on Amazon ECS: reads a revision, and registers a release as a new revision
// copied from the primary one with a single container's image swapped (immutable releases:
// a running revision is never changed, a new one is registered). ECS is reached by signed JSON
// 1.1 requests (json-requests.ts), not the SDK's ECS client.

import type {
  ContainerDefinition,
  RegisterTaskDefinitionCommandInput,
  Tag,
  TaskDefinition as SdkTaskDefinition,
} from '@aws-sdk/client-ecs';
import { withoutUndefined } from '../domain/records.js';
import type { RegisterReleaseInput, TaskDefinitionSummary, TaskDefinitions } from '../ports/ecs.js';
import { errorName, ResourceNotFound, translateTransient } from './errors.js';
import { ECS, jsonCalls, type JsonCalls } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

/** How many of the family's newest active revisions are checked for one to reuse. */
const REUSE_WINDOW = 10;

/**
 * A task definition as ECS's JSON answers it: its times are epoch seconds, not the SDK's Dates.
 * Neither is read here, and neither is sent back.
 */
type TaskDefinition = Omit<SdkTaskDefinition, 'registeredAt' | 'deregisteredAt'> & {
  registeredAt?: number;
  deregisteredAt?: number;
};

interface DescribedRevision {
  definition: TaskDefinition;
  tags: Tag[];
}

export class EcsTaskDefinitions implements TaskDefinitions {
  private readonly ecs: JsonCalls;

  /** ECS's requests (clients.ts's ecsRequests), or an SDK client to reach ECS as it would. */
  constructor(ecs: JsonCalls | SdkClientLike) {
    this.ecs = jsonCalls(ECS, ecs, 'ECS');
  }

  async describe(arn: string): Promise<TaskDefinitionSummary> {
    const { definition, tags } = await this.describeRevision(arn);
    return summarize(definition, tags);
  }

  async newest(family: string): Promise<TaskDefinitionSummary | null> {
    const [arn] = await this.newestActiveRevisions(family);
    return arn === undefined ? null : this.describe(arn);
  }

  async registerRelease(input: RegisterReleaseInput): Promise<{ arn: string; reused: boolean }> {
    const from = await this.describeRevision(input.from);
    const wanted = imagesAfterSwap(from.definition, input);
    const reusable = await this.findActiveRevisionRunning(requireFamily(from.definition), wanted);
    if (reusable !== undefined) return { arn: reusable, reused: true };
    return { arn: await this.registerCopy(from, input), reused: false };
  }

  private async describeRevision(taskDefinition: string): Promise<DescribedRevision> {
    try {
      const output = await this.ecs.call<{ taskDefinition?: TaskDefinition; tags?: Tag[] }>(
        'DescribeTaskDefinition',
        { taskDefinition, include: ['TAGS'] },
      );
      if (output.taskDefinition === undefined) throw notFound(taskDefinition);
      return { definition: output.taskDefinition, tags: output.tags ?? [] };
    } catch (error) {
      // ECS answers a revision that does not exist with a plain ClientException.
      if (errorName(error) === 'ClientException' && /unable to describe/i.test(errorMessage(error))) {
        throw notFound(taskDefinition, error);
      }
      return translateTransient(`DescribeTaskDefinition ${taskDefinition}`, error);
    }
  }

  /** The newest active revision (among the last few) whose containers run exactly `wanted`. */
  private async findActiveRevisionRunning(
    family: string,
    wanted: Record<string, string>,
  ): Promise<string | undefined> {
    for (const arn of await this.newestActiveRevisions(family)) {
      const { definition } = await this.describeRevision(arn);
      if (sameImages(imagesOf(definition), wanted)) return definition.taskDefinitionArn ?? arn;
    }
    return undefined;
  }

  private async newestActiveRevisions(family: string): Promise<string[]> {
    try {
      const output = await this.ecs.call<{ taskDefinitionArns?: string[] }>('ListTaskDefinitions', {
        familyPrefix: family,
        status: 'ACTIVE',
        sort: 'DESC',
        maxResults: REUSE_WINDOW,
      });
      return output.taskDefinitionArns ?? [];
    } catch (error) {
      return translateTransient(`ListTaskDefinitions for family ${family}`, error);
    }
  }

  private async registerCopy(from: DescribedRevision, input: RegisterReleaseInput): Promise<string> {
    const request = registrationCopying(from, input);
    try {
      const output = await this.ecs.call<{ taskDefinition?: TaskDefinition }>(
        'RegisterTaskDefinition',
        request,
      );
      const arn = output.taskDefinition?.taskDefinitionArn;
      if (arn === undefined) throw new Error(`RegisterTaskDefinition for ${request.family} returned no ARN`);
      return arn;
    } catch (error) {
      return translateTransient(`RegisterTaskDefinition for family ${request.family}`, error);
    }
  }
}

function summarize(definition: TaskDefinition, tags: Tag[]): TaskDefinitionSummary {
  const ports: Record<string, number | undefined> = {};
  for (const container of definition.containerDefinitions ?? []) {
    if (container.name !== undefined) ports[container.name] = container.portMappings?.[0]?.containerPort;
  }
  return {
    arn: definition.taskDefinitionArn ?? '',
    family: definition.family ?? '',
    revision: definition.revision ?? 0,
    images: imagesOf(definition),
    ports,
    tags: Object.fromEntries(tags.flatMap((t) => (t.key === undefined ? [] : [[t.key, t.value ?? '']]))),
  };
}

function imagesOf(definition: TaskDefinition): Record<string, string> {
  const images: Record<string, string> = {};
  for (const container of definition.containerDefinitions ?? []) {
    if (container.name !== undefined) images[container.name] = container.image ?? '';
  }
  return images;
}

/** The images a release of `from` runs: those of `from`, with `container` swapped to `image`. */
function imagesAfterSwap(from: TaskDefinition, input: RegisterReleaseInput): Record<string, string> {
  const images = imagesOf(from);
  if (!(input.container in images)) {
    const present = Object.keys(images).join(', ') || 'none';
    throw new ResourceNotFound(
      `Container "${input.container}" is not in task definition ${input.from} (its containers: ${present}); ` +
        'fix the container name in the catalog.',
    );
  }
  return { ...images, [input.container]: input.image };
}

function sameImages(actual: Record<string, string>, wanted: Record<string, string>): boolean {
  const names = Object.keys(wanted);
  return Object.keys(actual).length === names.length && names.every((name) => actual[name] === wanted[name]);
}

/**
 * Every field RegisterTaskDefinition accepts, copied from `from`; read-only fields (revision,
 * status, compatibilities, requiresAttributes, registeredAt/By...) are left out because ECS
 * rejects or ignores them. Tags of `from` carry over, overridden by the release's own tags.
 */
function registrationCopying(
  from: DescribedRevision,
  input: RegisterReleaseInput,
): RegisterTaskDefinitionCommandInput {
  const definition = from.definition;
  return withoutUndefined({
    family: requireFamily(definition),
    taskRoleArn: definition.taskRoleArn,
    executionRoleArn: definition.executionRoleArn,
    networkMode: definition.networkMode,
    containerDefinitions: (definition.containerDefinitions ?? []).map((container) =>
      swapImage(container, input),
    ),
    volumes: definition.volumes,
    placementConstraints: definition.placementConstraints,
    requiresCompatibilities: definition.requiresCompatibilities,
    cpu: definition.cpu,
    memory: definition.memory,
    pidMode: definition.pidMode,
    ipcMode: definition.ipcMode,
    proxyConfiguration: definition.proxyConfiguration,
    // Elastic Inference is retired; an empty list is left out rather than sent back.
    inferenceAccelerators: nonEmpty(definition.inferenceAccelerators),
    ephemeralStorage: definition.ephemeralStorage,
    runtimePlatform: definition.runtimePlatform,
    enableFaultInjection: definition.enableFaultInjection,
    tags: mergedTags(from.tags, input.tags),
  });
}

function swapImage(container: ContainerDefinition, input: RegisterReleaseInput): ContainerDefinition {
  return container.name === input.container ? { ...container, image: input.image } : container;
}

function mergedTags(inherited: Tag[], release: Record<string, string>): Tag[] | undefined {
  const merged = new Map<string, string>();
  for (const tag of inherited) {
    // `aws:` tags are reserved for AWS; RegisterTaskDefinition refuses them.
    if (tag.key !== undefined && !tag.key.startsWith('aws:')) merged.set(tag.key, tag.value ?? '');
  }
  for (const [key, value] of Object.entries(release)) merged.set(key, value);
  return merged.size === 0 ? undefined : [...merged].map(([key, value]) => ({ key, value }));
}

function requireFamily(definition: TaskDefinition): string {
  if (definition.family === undefined) {
    throw new Error(`Task definition ${definition.taskDefinitionArn ?? '(no ARN)'} has no family`);
  }
  return definition.family;
}

function nonEmpty<T>(items: T[] | undefined): T[] | undefined {
  return items === undefined || items.length === 0 ? undefined : items;
}

function notFound(taskDefinition: string, cause?: unknown): ResourceNotFound {
  return new ResourceNotFound(
    `Task definition ${taskDefinition} does not exist; check the revision the service runs.`,
    { cause },
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
