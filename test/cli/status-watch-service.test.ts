// `status <service> --watch` against an API that answers from a script: which deployment it
// follows, when it stops waiting, and which exit code it gives.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../cli/api-client.js';
import { watchService } from '../../cli/commands/status/watch-service.js';
import type { RecentDeploymentView, ServiceView } from '../../shared/api/views.js';
import { getService } from '../../shared/domain/catalog.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { capture } from '../support/cli.js';
import { SCENARIOS } from '../../harness/local-cloud.js';

const settings = getService(parseCatalog(readFileSync(SCENARIOS, 'utf8')), 'allatonce')!;

const service = (deployment: string | null, recent: RecentDeploymentView[], queued = false): ServiceView => ({
  name: 'web',
  strategy: 'all-at-once',
  health: 'ok',
  alarms: [],
  live: null,
  deployment:
    deployment === null
      ? null
      : {
          deploymentId: deployment,
          release: 2,
          status: 'running',
          phase: 'shift 100%',
          weights: { stable: 100, candidate: 0 },
        },
  settings,
  liveTaskSet: null,
  queued: queued ? { image: 'web:v3@sha256:1', pushedAt: '2026-12-01T10:00:00.000Z' } : null,
  recentDeployments: recent,
  now: '2026-12-01T10:02:00.000Z',
});

const recent = (
  id: string,
  status: RecentDeploymentView['status'],
  endedSecondsAgo: number | null = null,
): RecentDeploymentView => ({
  deploymentId: id,
  release: 1,
  status,
  image: 'web@sha256:2',
  startedAt: '2026-12-01T10:00:00.000Z',
  endedAt: endedSecondsAgo === null ? null : '2026-12-01T10:01:00.000Z',
  endedSecondsAgo,
  reason: null,
});

/** An ended deployment as GET /deployments/{id} gives it: enough for the watch's outcome. */
const ended = (id: string, status: 'promoted' | 'rolled-back', queued = false) => ({
  deploymentId: id,
  service: 'web',
  release: 1,
  image: 'web@sha256:2',
  strategy: 'all-at-once',
  status,
  phase: status,
  stable: { release: 0, image: 'web@sha256:1' },
  weights: { stable: 100, candidate: 0 },
  alarms: [],
  bake: null,
  approval: null,
  analysis: null,
  steps: [],
  reason: status === 'promoted' ? null : { kind: 'alarm', message: 'alarm web-5xx-rate went to ALARM' },
  queued: queued ? { image: 'web:v3@sha256:1', pushedAt: '2026-12-01T10:00:00.000Z' } : null,
  execution: { status: 'SUCCEEDED', error: null, cause: null },
});

/** A client whose GET /services/web answers each view in turn (the last one again), and deployments by id. */
function scripted(services: ServiceView[], deployments: Record<string, unknown>) {
  const asked: string[] = [];
  const client = {
    get: (path: string) => {
      asked.push(path);
      if (path === '/services/web')
        return Promise.resolve(services.length > 1 ? services.shift() : services[0]);
      return Promise.resolve(deployments[path.replace('/deployments/', '')]);
    },
  } as unknown as ApiClient;
  return { client, asked };
}

const options = { mode: 'plain' as const, intervalMs: 1, startWaitMs: 200 };
const outcomes = (stdout: string[]) => stdout.filter((line) => /^[✓✗] /.test(line));

describe('status <service> --watch', () => {
  it('waits for the deployment a push starts, and exits with its outcome', async () => {
    const before = [recent('web-1', 'promoted', 600)];
    const { client } = scripted(
      [
        service(null, before),
        service(null, before),
        service('web-2', [recent('web-2', 'running'), ...before]),
      ],
      { 'web-2': ended('web-2', 'rolled-back') },
    );
    const io = capture();
    const code = await watchService(client, service(null, before), io, options);
    expect(code).toBe(1);
    expect(outcomes(io.stdout)).toEqual(['✗ web-2 rolled back: alarm web-5xx-rate went to ALARM']);
    expect(io.stderr).toEqual(['waiting up to 0.2s for a deployment of web to start']);
  });

  it('finds one that started and ended between two polls', async () => {
    const before = [recent('web-1', 'promoted', 600)];
    const { client } = scripted([service(null, [recent('web-2', 'rolled-back', 0), ...before])], {
      'web-2': ended('web-2', 'rolled-back'),
    });
    const code = await watchService(client, service(null, before), capture(), options);
    expect(code).toBe(1);
  });

  it('follows a queued push after the deployment it waited for, each deployment once', async () => {
    const before = [recent('web-1', 'running')];
    const { client, asked } = scripted(
      [
        // web-1's record still says running although it ended: it is not followed a second time.
        service('web-1', before),
        service('web-1', [recent('web-2', 'running'), ...before]),
      ],
      { 'web-1': ended('web-1', 'rolled-back', true), 'web-2': ended('web-2', 'promoted') },
    );
    const io = capture();
    const code = await watchService(client, service('web-1', before), io, options);
    expect(code).toBe(0);
    expect(outcomes(io.stdout)).toEqual([
      '✗ web-1 rolled back: alarm web-5xx-rate went to ALARM',
      '✓ web-2 promoted: release 1 of web is live',
    ]);
    expect(asked.filter((path) => path === '/deployments/web-1')).toHaveLength(1);
  });

  it('with nothing new, shows the newest deployment if it ended within the bound, else the service', async () => {
    const justEnded = [recent('web-1', 'rolled-back', 0)];
    const first = scripted([service(null, justEnded)], { 'web-1': ended('web-1', 'rolled-back') });
    expect(await watchService(first.client, service(null, justEnded), capture(), options)).toBe(1);

    const longAgo = [recent('web-1', 'rolled-back', 3600)];
    const io = capture();
    const second = scripted([service(null, longAgo)], {});
    expect(await watchService(second.client, service(null, longAgo), io, options)).toBe(0);
    expect(io.stdout).toContain('No deployment in progress.');
  });
});
