// Cutover's own events: every state change of a deployment, published on the
// EventBridge bus `cutover` (source `cutover`) for users to route to Slack, SNS or
// anything else with their own rules. docs/events.md documents each detail-type,
// with the JSON Schema of its detail generated from the schemas below.

import * as z from './zod.js';
import { reasonSchema } from './ledger.js';
import { APPROVAL_REASONS } from './phase.js';

const subject = {
  deploymentId: z.string(),
  service: z.string(),
  release: z.int(),
};

export const DETAIL_SCHEMAS = {
  'Deployment Started': z.object({
    ...subject,
    image: z.string(),
    strategy: z.string(),
    trigger: z.string(),
    actor: z.string(),
    stable: z.object({ release: z.int(), image: z.string() }),
  }),
  'Traffic Shifted': z.object({
    ...subject,
    /** `baseline`: the baseline task set's share, while the deployment runs one. */
    weights: z.object({ stable: z.int(), candidate: z.int(), baseline: z.optional(z.int()) }),
  }),
  'Approval Needed': z.object({
    ...subject,
    image: z.string(),
    expiresAt: z.string(),
    /** Why a person is asked: the catalog requires approval, or analysis was marginal. */
    because: z.enum(APPROVAL_REASONS),
  }),
  'Analysis Completed': z.object({
    ...subject,
    /** The last judgement of the deployment (it must reach pass), or one before it. */
    final: z.boolean(),
    /** Undecided: the sequential judge's look that showed neither a regression nor every metric within bounds. */
    classification: z.enum(['Pass', 'Marginal', 'Fail', 'Undecided']),
    score: z.number(),
    /** What the deployment does next. */
    verdict: z.enum(['continue', 'pause', 'roll back']),
    reason: z.string(),
    failedMetrics: z.array(z.string()),
  }),
  'Deployment Promoted': z.object({ ...subject, image: z.string() }),
  'Deployment Rolled Back': z.object({
    ...subject,
    image: z.string(),
    outcome: z.enum(['rolled-back', 'aborted']),
    reason: reasonSchema,
  }),
  'Rollback Verification Failed': z.object({
    ...subject,
    hook: z.string(),
    /** The hook's function, which the catalog marks `afterRollback`. */
    function: z.string(),
    message: z.string(),
  }),
  'Drift Detected': z.object({
    service: z.string(),
    findings: z.array(z.object({ kind: z.string(), message: z.string() })),
  }),
} as const;

export type DetailType = keyof typeof DETAIL_SCHEMAS;

export type CutoverEvent = {
  [T in DetailType]: { detailType: T; detail: z.output<(typeof DETAIL_SCHEMAS)[T]> };
}[DetailType];

export const EVENT_SOURCE = 'cutover';
export const DETAIL_TYPES = Object.keys(DETAIL_SCHEMAS) as DetailType[];
