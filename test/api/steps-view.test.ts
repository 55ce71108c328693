// The steps a deployment's status shows are the plan it started with, kept in its record: a
// catalog changed since (another strategy, a hook added) does not change what a running or a
// finished deployment says it ran. A record from before plans were kept is planned again.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stepsOf } from '../../shared/api/steps-view.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import type { ServiceEntry } from '../../shared/domain/catalog-schema.js';
import type { Deployment } from '../../shared/domain/deployment.js';
import { planDeployment } from '../../shared/domain/plan.js';
import { SCENARIOS } from '../../harness/local-cloud.js';

const catalog = parseCatalog(readFileSync(SCENARIOS, 'utf8'));
const entry = catalog.services.canary!;

function baking(plan: Deployment['plan']): Deployment {
  return {
    deploymentId: 'canary-1',
    service: 'canary',
    release: 2,
    image: 'x',
    strategy: entry.strategy,
    trigger: 'push',
    actor: 'ecr-push',
    status: 'running',
    phase: 'bake',
    startedAt: 0,
    updatedAt: 0,
    stable: { release: 1, image: 'y', taskSetId: 'a', taskDefinitionArn: 'td', targetGroupArn: 'tg-a' },
    candidate: { targetGroupArn: 'tg-b' },
    weights: { stable: 90, candidate: 10 },
    ...(plan === undefined ? {} : { plan }),
  };
}

const kinds = (deployment: Deployment, now: ServiceEntry | undefined) =>
  stepsOf(deployment, now, []).map((s) => `${s.kind}:${s.state}`);

describe('the steps of a deployment', () => {
  const started = planDeployment('canary', entry).steps;
  const changed: ServiceEntry = {
    ...entry,
    strategy: 'rolling',
    hooks: { ...entry.hooks, BeforeAllowTraffic: 'arn:aws:lambda:us-east-1:000000000000:function:smoke' },
  };

  it('are the plan it started with, whatever the catalog says now, or if it no longer names the service', () => {
    const deployment = baking(started);
    const asStarted = kinds(deployment, entry);
    expect(asStarted).toContain('bake:current');
    expect(kinds(deployment, changed)).toEqual(asStarted);
    expect(kinds(deployment, undefined)).toEqual(asStarted);
  });

  it('for a record without a plan, are planned again from the catalog as it is now, or none when it cannot be', () => {
    const old = baking(undefined);
    expect(kinds(old, entry)).toEqual(kinds(baking(started), entry));
    expect(kinds(old, changed)).not.toEqual(kinds(baking(started), entry));
    expect(kinds(old, undefined)).toEqual([]);
  });
});
