// What `cutover local push` says for each way a push can end, from what it saw: the rules the
// handler applies before anything starts, and the execution and deployment the push started.
// The local-cloud test (local-push.test.ts) covers started, queued and nothing; here, refusals too.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outcomeOf, settledAtOnce, type FoundExecution } from '../../cli/commands/push-verdict.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';

const catalog = parseCatalog(
  readFileSync(new URL('../fixtures/local/scenarios.yml', import.meta.url), 'utf8'),
);
const digest = `sha256:${'ab'.repeat(32)}`;
const pushed = {
  repository: 'canary',
  tag: 'v2',
  digest,
  manifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
};
const before = { service: 'canary', settings: catalog.services.canary!, live: null, running: null };

const execution = (over: Partial<FoundExecution>): FoundExecution => ({
  service: 'canary',
  name: 'canary-abababababab-e0123',
  status: 'RUNNING',
  output: null,
  error: null,
  cause: null,
  ...over,
});

describe('settledAtOnce: what the handler decides before it starts anything', () => {
  it('a new image is left to what the execution shows', () => {
    expect(settledAtOnce(before, pushed)).toBeNull();
  });

  it('the live image, the image being deployed, a tag the filter refuses: nothing started, and why', () => {
    expect(settledAtOnce({ ...before, live: { release: 4, digest } }, pushed)).toEqual({
      service: 'canary',
      outcome: 'nothing',
      reason: `${digest} is already live (release 4); another tag of the same build deploys nothing`,
    });
    expect(
      settledAtOnce(
        { ...before, running: { deploymentId: 'canary-x', image: `r/canary@${digest}` } },
        pushed,
      ),
    ).toEqual({
      service: 'canary',
      outcome: 'nothing',
      reason: 'the same build is being deployed already (canary-x); another tag of it deploys nothing',
    });
    const filtered = {
      ...before,
      settings: { ...before.settings, images: { ...before.settings.images, tagFilter: '^release-' } },
    };
    expect(settledAtOnce(filtered, pushed)).toEqual({
      service: 'canary',
      outcome: 'nothing',
      reason: 'tag "v2" does not match the tag filter ^release-',
    });
  });
});

describe('outcomeOf: what the execution and its deployment show', () => {
  it('undecided while the execution runs with no deployment yet', () => {
    expect(outcomeOf(execution({}), null)).toBeNull();
  });

  it('started, with the deployment it created', () => {
    const deployment = { deploymentId: 'canary-1', strategy: 'canary', status: 'running', reason: null };
    expect(outcomeOf(execution({}), deployment)).toEqual({
      service: 'canary',
      outcome: 'started',
      deploymentId: 'canary-1',
      strategy: 'canary',
    });
  });

  it('queued, or dropped as stale: the execution caught it and succeeded', () => {
    const caught = (Error: string, Cause: string) =>
      execution({ status: 'SUCCEEDED', output: { error: { Error, Cause } } });
    expect(
      outcomeOf(caught('DeploymentQueued', 'canary is busy with deployment canary-0; this push waits'), null),
    ).toEqual({
      service: 'canary',
      outcome: 'queued',
      reason: 'canary is busy with deployment canary-0; this push waits',
    });
    expect(outcomeOf(caught('StalePush', 'an older image never replaces a newer one'), null)).toEqual({
      service: 'canary',
      outcome: 'nothing',
      reason: 'an older image never replaces a newer one',
    });
  });

  it('refused: the execution failed before any deployment, or the deployment was aborted at once', () => {
    const failed = execution({
      status: 'FAILED',
      error: 'NoStableRelease',
      cause: 'ECS service scenarios/canary has no PRIMARY task set',
    });
    expect(outcomeOf(failed, null)).toEqual({
      service: 'canary',
      outcome: 'refused',
      reason: 'ECS service scenarios/canary has no PRIMARY task set',
    });
    const aborted = {
      deploymentId: 'canary-2',
      strategy: 'canary',
      status: 'aborted',
      reason: { message: 'alarm canary-5xx-rate is in ALARM; nothing was shifted' },
    };
    expect(outcomeOf(execution({ status: 'FAILED' }), aborted)).toEqual({
      service: 'canary',
      outcome: 'refused',
      reason: 'canary-2 was aborted: alarm canary-5xx-rate is in ALARM; nothing was shifted',
    });
  });
});
