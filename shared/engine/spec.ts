// The deployment spec as it travels through a state machine: produced by the
// validate-input step, parsed again at the edge of every later step.

import { z } from 'zod';
import { serviceSchema, STRATEGIES } from '../domain/catalog-schema.js';
import { TRIGGERS, type DeploymentSpec } from '../domain/deployment-request.js';

const trafficStepSchema = z.object({ weight: z.number(), atSeconds: z.number(), bakeSeconds: z.number() });

export const deploymentSpecSchema = z.object({
  deploymentId: z.string().min(1),
  service: z.string().min(1),
  image: z.string().min(1),
  digest: z.string().min(1),
  repository: z.string().min(1),
  tag: z.string().optional(),
  trigger: z.enum(TRIGGERS),
  actor: z.string().min(1),
  reason: z.string().optional(),
  rollbackOf: z.number().optional(),
  pushedAt: z.string().optional(),
  overrideAlarms: z.object({ reason: z.string().min(1) }).optional(),
  breakGlass: z.object({ reason: z.string().min(1) }).optional(),
  plan: z
    .object({
      service: z.string(),
      strategy: z.enum(STRATEGIES),
      scheduleSource: z.string(),
      schedule: z.array(trafficStepSchema).nullable(),
      steps: z.array(z.object({ kind: z.string() }).loose()),
      minimumSeconds: z.number(),
    })
    .loose(),
  settings: serviceSchema,
});

/**
 * The spec checked at a step's edge. Fields are checked as above; the plan's steps
 * are taken as validate-input built them (they only describe, they do not drive).
 */
const specAtStep = deploymentSpecSchema.transform((spec) => spec as unknown as DeploymentSpec);

/** A step input: the spec plus the step's own fields. */
export function stepInput<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.object({ spec: specAtStep, ...shape });
}
