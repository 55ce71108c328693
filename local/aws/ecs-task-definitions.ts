// The local ECS's task definitions: registered as revisions of a family, found by family,
// `family:revision` or ARN, and listed, as RegisterTaskDefinition and its siblings do.

import { checkFargateDefinition } from './ecs-fargate.js';
import type { LocalTaskDefinition } from './ecs-model.js';
import { page } from './ecs-views.js';
import { optionalList, optionalString, requireString } from './service.js';
import { AwsError } from '../errors.js';

/** What ECS records with a new revision besides the request: its ARN, when and by whom. */
export interface Registration {
  arnOf: (familyRevision: string) => string;
  registeredAt: Date;
  registeredBy: string;
}

export function register(
  definitions: LocalTaskDefinition[],
  input: Record<string, unknown>,
  registration: Registration,
): LocalTaskDefinition {
  const family = requireString(input, 'family');
  const containers = optionalList<LocalTaskDefinition['containerDefinitions'][number]>(
    input,
    'containerDefinitions',
  );
  if (containers.length === 0)
    throw new AwsError('ClientException', 'containerDefinitions must not be empty');
  for (const c of containers) {
    if (!c.name || !c.image)
      throw new AwsError('ClientException', 'every container needs a name and an image');
  }
  checkFargateDefinition(input);
  const revision = definitions.filter((d) => d.family === family).length + 1;
  const { tags, ...rest } = input as { tags?: LocalTaskDefinition['tags'] };
  const definition: LocalTaskDefinition = {
    ...rest,
    taskDefinitionArn: registration.arnOf(`${family}:${revision}`),
    family,
    revision,
    status: 'ACTIVE',
    containerDefinitions: containers,
    registeredAt: registration.registeredAt,
    registeredBy: registration.registeredBy,
    tags: tags ?? [],
  };
  definitions.push(definition);
  return definition;
}

/** A definition by family (its newest ACTIVE revision), `family:revision`, or ARN. */
export function find(definitions: LocalTaskDefinition[], reference: string): LocalTaskDefinition {
  const ref = reference.includes('task-definition/') ? reference.split('task-definition/')[1]! : reference;
  const [family, revision] = ref.split(':');
  const matching = definitions.filter((d) => d.family === family && d.status === 'ACTIVE');
  const found =
    revision === undefined
      ? matching.at(-1)
      : definitions.find((d) => d.family === family && String(d.revision) === revision);
  if (found === undefined) throw new AwsError('ClientException', 'Unable to describe task definition.');
  return found;
}

export function list(definitions: LocalTaskDefinition[], input: Record<string, unknown>) {
  const prefix = optionalString(input, 'familyPrefix');
  const status = optionalString(input, 'status') ?? 'ACTIVE';
  const descending = optionalString(input, 'sort') === 'DESC';
  let arns = definitions
    .filter(
      (d) =>
        (prefix === undefined || d.family.startsWith(prefix)) && (status === 'ALL' || d.status === status),
    )
    .map((d) => d.taskDefinitionArn);
  if (descending) arns = arns.reverse();
  return page(arns, input, 'taskDefinitionArns');
}
