// The deployment spec as it travels through a state machine: produced by the
// validate-input step, parsed again at the edge of every later step.

import * as z from '../domain/zod.js';
import { serviceSchema, STRATEGIES } from '../domain/catalog-schema.js';
import { TRIGGERS, type DeploymentSpec } from '../domain/deployment-request.js';
import type { EcsService } from '../ports/ecs.js';

const trafficStepSchema = z.object({
  weight: z.number(),
  atSeconds: z.number(),
  bakeSeconds: z.number(),
  header: z.optional(z.literal(true)),
});

const nonEmpty = () => z.string().check(z.minLength(1));

export const deploymentSpecSchema = z.object({
  deploymentId: nonEmpty(),
  service: nonEmpty(),
  image: nonEmpty(),
  digest: nonEmpty(),
  repository: nonEmpty(),
  tag: z.optional(z.string()),
  trigger: z.enum(TRIGGERS),
  actor: nonEmpty(),
  reason: z.optional(z.string()),
  rollbackOf: z.optional(z.number()),
  pushedAt: z.optional(z.string()),
  overrideAlarms: z.optional(z.object({ reason: nonEmpty() })),
  breakGlass: z.optional(z.object({ reason: nonEmpty() })),
  plan: z.looseObject({
    service: z.string(),
    strategy: z.enum(STRATEGIES),
    scheduleSource: z.string(),
    schedule: z.nullable(z.array(trafficStepSchema)),
    steps: z.array(z.looseObject({ kind: z.string() })),
    minimumSeconds: z.number(),
  }),
  settings: serviceSchema,
});

/**
 * The spec checked at a step's edge. Fields are checked as above; the plan's steps
 * are taken as validate-input built them (they only describe, they do not drive).
 */
const specAtStep = z.pipe(
  deploymentSpecSchema,
  z.transform((spec) => spec as unknown as DeploymentSpec),
);

/** A step input: the spec plus the step's own fields. */
export function stepInput<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  return z.object({ spec: specAtStep, ...shape });
}

/** The ECS service a deployment changes. */
export function ecsServiceOf(spec: Pick<DeploymentSpec, 'settings'>): EcsService {
  return { cluster: spec.settings.ecs.cluster, service: spec.settings.ecs.service };
}
