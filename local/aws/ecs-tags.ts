// Tags on the local ECS's task definitions, services and task sets: TagResource adds or replaces
// them by key, ListTagsForResource reads them, and an ARN that names none of these is refused
// as ECS refuses it. ECS allows 50 tags a resource.

import type { EcsState } from './ecs-model.js';
import { optionalList, requireString } from './service.js';
import { AwsError } from '../errors.js';

type Tag = { key: string; value: string };

/** At most this many tags a resource ("Tagging your Amazon ECS resources"). */
const MAX_TAGS = 50;

/** The tagged resource's tag list, found by ARN. */
function tagsOf(state: EcsState, resourceArn: string): { owner: { tags?: Tag[] } } {
  const owner =
    state.definitions.find((d) => d.taskDefinitionArn === resourceArn) ??
    state.services.find((s) => s.serviceArn === resourceArn) ??
    state.taskSets.find((t) => t.taskSetArn === resourceArn);
  if (owner === undefined)
    throw new AwsError(
      'ResourceNotFoundException',
      `The specified resource could not be found: ${resourceArn}`,
    );
  return { owner: owner as { tags?: Tag[] } };
}

export function tagResource(state: EcsState, input: Record<string, unknown>): Record<string, never> {
  const { owner } = tagsOf(state, requireString(input, 'resourceArn'));
  const tags = optionalList<Tag>(input, 'tags');
  for (const tag of tags) {
    if (typeof tag?.key !== 'string' || tag.key === '' || typeof tag.value !== 'string')
      throw new AwsError('InvalidParameterException', 'Each tag needs a key and a value.');
  }
  const merged = new Map((owner.tags ?? []).map((t) => [t.key, t.value]));
  for (const tag of tags) merged.set(tag.key, tag.value);
  if (merged.size > MAX_TAGS)
    throw new AwsError('InvalidParameterException', `A resource can have at most ${MAX_TAGS} tags.`);
  owner.tags = [...merged].map(([key, value]) => ({ key, value }));
  return {};
}

export function listTags(state: EcsState, input: Record<string, unknown>) {
  return { tags: tagsOf(state, requireString(input, 'resourceArn')).owner.tags ?? [] };
}
