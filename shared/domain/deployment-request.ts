// The input that starts a deployment, from any trigger (ECR push, HTTP API, the
// AWS console, a rollback), checked against the catalog and turned into the spec
// the state machine follows. This is the state machines' first step, so a bad
// input fails with a readable cause before anything is changed.

import * as z from './zod.js';
import type { Catalog, ServiceEntry } from './catalog-schema.js';
import { getService, friendlyMessage, zodProblems } from './catalog.js';
import { DeploymentRequestInvalid, type Problem } from './errors.js';
import { parsePinnedImage, pinnedImage, type PinnedImageRef } from './image-ref.js';
import { planDeployment, type DeploymentPlan } from './plan.js';
import { registryHost, registryOf, registryOfHost, registryProblem } from './registry.js';

export const TRIGGERS = ['push', 'api', 'console', 'rollback'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** A reason a person gives: trimmed, then 1 to 1000 characters. */
const givenReason = () => z.string().check(z.trim(), z.minLength(1), z.maxLength(1000));

export const deploymentRequestSchema = z.strictObject({
  service: z.string().check(z.minLength(1), z.maxLength(40)),
  /** Digest-pinned image: `registry/repo@sha256:…` or `repo:tag@sha256:…`. */
  image: z.string().check(z.minLength(1), z.maxLength(1024)),
  strategy: z.optional(z.string()),
  preset: z.optional(z.string()),
  batchPercent: z.optional(z.number()),
  trigger: z._default(z.enum(TRIGGERS), 'console'),
  /** Who or what asked: `ecr-push`, `operator:alice`, `console`. */
  actor: z._default(z.string().check(z.minLength(1), z.maxLength(200)), 'console'),
  reason: z.optional(z.string().check(z.maxLength(1000))),
  /** For `rollback --to`: the release being redeployed. */
  rollbackOf: z.optional(z.int().check(z.gte(1))),
  /** For pushes: when ECR says the image was pushed, so the newest waiting push wins. */
  pushedAt: z.optional(z.iso.datetime({ offset: true })),
  /** Deploy a new image although watched alarms fire; why, recorded in the ledger. */
  overrideAlarms: z.optional(z.strictObject({ reason: givenReason() })),
  /**
   * A rollback to an image the operator names, when the ledger cannot be trusted to say which
   * images were promoted (it does not verify). Why, recorded in the ledger. Only with
   * trigger "rollback".
   */
  breakGlass: z.optional(z.strictObject({ reason: givenReason() })),
});

export type DeploymentRequest = z.output<typeof deploymentRequestSchema>;

export interface DeploymentSpec {
  deploymentId: string;
  service: string;
  /** `registry/repo@sha256:…`, without the tag: what goes into the task definition. */
  image: string;
  digest: string;
  repository: string;
  tag?: string | undefined;
  trigger: Trigger;
  actor: string;
  reason?: string | undefined;
  rollbackOf?: number | undefined;
  pushedAt?: string | undefined;
  overrideAlarms?: { reason: string } | undefined;
  breakGlass?: { reason: string } | undefined;
  plan: DeploymentPlan;
  settings: ServiceEntry;
}

/**
 * Checks a raw request against the catalog. Throws DeploymentRequestInvalid with
 * every problem found, each with the field it concerns.
 */
export function validateDeploymentRequest(
  raw: unknown,
  catalog: Catalog,
  deploymentId: string,
): DeploymentSpec {
  const parsed = deploymentRequestSchema.safeParse(raw, { error: friendlyMessage });
  if (!parsed.success) throw new DeploymentRequestInvalid(zodProblems(parsed.error));
  const request = parsed.data;

  const problems: Problem[] = [];
  const entry = getService(catalog, request.service);
  if (entry === undefined) {
    const known = Object.keys(catalog.services).join(', ');
    problems.push({
      path: 'service',
      message: `no service "${request.service}" in the catalog; it has: ${known}`,
    });
  }
  if (request.breakGlass !== undefined && request.trigger !== 'rollback') {
    problems.push({
      path: 'breakGlass',
      message: 'a break-glass redeploy is a rollback: it needs "trigger": "rollback"',
    });
  }
  const image = imageProblems(request.image, entry, problems);
  if (entry === undefined || image === undefined || problems.length > 0) {
    throw new DeploymentRequestInvalid(problems);
  }
  const rollback = request.trigger === 'rollback';
  const settings: ServiceEntry = rollback ? rollbackSettings(entry) : entry;
  const overrides =
    rollback && request.strategy === undefined && request.preset === undefined
      ? { strategy: 'all-at-once' }
      : {};
  const plan = planOrProblems({ ...request, ...overrides }, settings, problems);
  // The plan keeps every gate `settings` requires (plan.ts refuses a strategy that would
  // skip one), so the state machine may follow `settings` as they are.
  if (plan === undefined) throw new DeploymentRequestInvalid(problems);

  return {
    deploymentId,
    service: request.service,
    image: pinnedImage(image),
    digest: image.digest,
    repository: image.repository,
    tag: image.tag,
    trigger: request.trigger,
    actor: request.trigger === 'console' ? claimedActor(request.actor) : request.actor,
    reason: request.reason,
    rollbackOf: request.rollbackOf,
    pushedAt: request.pushedAt,
    overrideAlarms: request.overrideAlarms,
    breakGlass: request.breakGlass,
    plan,
    settings,
  };
}

/**
 * The actor of an execution started by hand (the console, or `aws stepfunctions
 * start-execution`): Step Functions does not say who called StartExecution, so the input's
 * `actor` is only a claim. The ledger keeps it as `console:<claim>` (`console` alone when none
 * was given); `console` is a reserved prefix (actors.ts), so no API client can write that form
 * and no claim can pass for a verified principal. docs/console.md explains it.
 */
export function claimedActor(actor: string): string {
  return actor === 'console' || actor.startsWith('console:') ? actor : `console:${actor}`;
}

function imageProblems(
  text: string,
  entry: ServiceEntry | undefined,
  problems: Problem[],
): PinnedImageRef | undefined {
  let image: PinnedImageRef;
  try {
    image = parsePinnedImage(text);
  } catch (error) {
    problems.push({ path: 'image', message: (error as Error).message });
    return undefined;
  }
  const registry = registryOfHost(image.registry);
  if (registry === null) {
    const found = image.registry === undefined ? 'no registry' : `registry "${image.registry}"`;
    const example =
      entry === undefined ? '123456789012.dkr.ecr.us-east-1.amazonaws.com' : registryHost(registryOf(entry));
    problems.push({
      path: 'image',
      message: `${found}: the image must come from an Amazon ECR private registry, e.g. ${example}/${image.repository}@sha256:…`,
    });
  } else if (entry !== undefined) {
    const wrong = registryProblem(registry, registryOf(entry));
    if (wrong !== null) problems.push({ path: 'image', message: wrong });
  }
  if (entry !== undefined && !entry.images.repositories.includes(image.repository)) {
    problems.push({
      path: 'image',
      message: `repository "${image.repository}" is not allowed for this service; allowed: ${entry.images.repositories.join(', ')}`,
    });
  }
  return image;
}

function planOrProblems(
  request: DeploymentRequest,
  entry: ServiceEntry,
  problems: Problem[],
): DeploymentPlan | undefined {
  try {
    return planDeployment(request.service, entry, request);
  } catch (error) {
    if (error instanceof DeploymentRequestInvalid) {
      problems.push(...error.problems);
      return undefined;
    }
    throw error;
  }
}

/**
 * A rollback redeploys a release that was live before: at once, without approval, analysis or a
 * header-routed step, still watched by the alarms.
 */
function rollbackSettings(entry: ServiceEntry): ServiceEntry {
  const { headerStep: _skipped, ...rest } = entry;
  return {
    ...rest,
    approval: { ...entry.approval, required: false },
    analysis: { ...entry.analysis, enabled: false },
  };
}
