// A header-routed step (the catalog's `headerStep`): before any weighted production traffic, an
// ALB rule of Cutover's own sends the requests that carry a header, or a cookie, the catalog
// names to the new task set, for a set time, and that step's minutes are judged on their own.
// ALB has no cookie condition, so a cookie is matched in the `Cookie` header, one value for each
// place it may sit among the others (docs/catalog.md, "A header-routed step").

import type { ServiceEntry, Strategy } from './catalog-schema.js';
import type { TrafficStep } from './schedule.js';

export type HeaderStepSettings = NonNullable<ServiceEntry['headerStep']>;

/** A rule condition, as ELB's API takes it. */
export type RouteCondition = {
  Field: 'http-header';
  HttpHeaderConfig: { HttpHeaderName: string; Values: string[] };
};

/** The condition a request must meet to be routed to the new task set. */
export function routeCondition(step: HeaderStepSettings): RouteCondition {
  if ('header' in step) {
    return { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: step.header, Values: step.values } };
  }
  // `Cookie: a=1; canary=always; b=2`: first, last, in between, or alone. ALB's values are
  // matched whole, case-insensitively, with * and ? as wildcards.
  const pair = `${step.cookie}=${step.value}`;
  return {
    Field: 'http-header',
    HttpHeaderConfig: { HttpHeaderName: 'Cookie', Values: [pair, `${pair};*`, `*; ${pair}`, `*; ${pair};*`] },
  };
}

/** `requests with header X-Canary: always` / `requests with cookie canary=always`. */
export function matchWords(
  step: HeaderStepSettings | { header: string; values: string[] } | { cookie: string; value: string },
): string {
  return 'header' in step
    ? `requests with header ${step.header}: ${step.values.join(' or ')}`
    : `requests with cookie ${step.cookie}=${step.value}`;
}

/** Whether a deployment of this service by this strategy runs the step (canary and linear do). */
export function runsHeaderStep(entry: ServiceEntry, strategy: Strategy): boolean {
  return entry.headerStep !== undefined && (strategy === 'canary' || strategy === 'linear');
}

/** The listener a listener rule (or a listener, named for its default action) belongs to. */
export function listenerOf(ruleOrListenerArn: string): string {
  return ruleOrListenerArn.includes(':listener-rule/')
    ? ruleOrListenerArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '')
    : ruleOrListenerArn;
}

/**
 * The schedule with the header-routed step first: weight 0 for the step's seconds, every weighted
 * step after it, later by as much.
 */
export function withHeaderStep(schedule: readonly TrafficStep[], step: HeaderStepSettings): TrafficStep[] {
  return [
    { weight: 0, atSeconds: 0, bakeSeconds: step.seconds, header: true },
    ...schedule.map((s) => ({ ...s, atSeconds: s.atSeconds + step.seconds })),
  ];
}
