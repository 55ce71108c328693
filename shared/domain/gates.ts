// The gates a service's catalog entry requires of every deployment: approval, test
// traffic, each of its hooks, a header-routed step, and canary analysis. They are a floor: a deploy request
// may override the strategy or preset only to one whose plan still has every one of
// them. What a plan has is read from its steps, the same steps the state machines
// follow, so no table of "what each strategy carries" can drift from the planner.

import type { HookName, ServiceEntry } from './catalog-schema.js';
import type { PlanStep } from './plan.js';

export type Gate = 'approval' | 'test traffic' | `hook ${HookName}` | 'analysis' | 'header step';

/** The gates `entry` requires, in the order a deployment meets them. */
export function requiredGates(entry: ServiceEntry): Gate[] {
  const gates: Gate[] = [];
  if (entry.traffic.testListenerRule !== undefined) gates.push('test traffic');
  if (entry.approval.required) gates.push('approval');
  for (const hook of Object.keys(entry.hooks) as HookName[]) gates.push(`hook ${hook}`);
  if (entry.headerStep !== undefined) gates.push('header step');
  if (entry.analysis.enabled) gates.push('analysis');
  return gates;
}

/** The gates a plan's steps pass through. */
export function gatesOf(steps: readonly PlanStep[]): Set<Gate> {
  const gates = new Set<Gate>();
  for (const step of steps) {
    if (step.kind === 'test-traffic') gates.add('test traffic');
    else if (step.kind === 'approval') gates.add('approval');
    else if (step.kind === 'hook') gates.add(`hook ${step.hook}`);
    else if (step.kind === 'bake' && step.analysis) gates.add('analysis');
    else if (step.kind === 'shift' && step.header !== undefined) gates.add('header step');
  }
  return gates;
}

/** `a`, `a and b`, `a, b and c`. */
export function listGates(gates: readonly Gate[]): string {
  if (gates.length <= 1) return gates.join('');
  return `${gates.slice(0, -1).join(', ')} and ${gates[gates.length - 1]!}`;
}
