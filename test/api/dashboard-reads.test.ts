// What the dashboard reads through the API handler (functions/api.ts), over the engine's
// in-memory fakes: ETags for cheap polling, a deployment's weights over time and every
// analysis, its canary-vs-baseline metrics, and each service's health.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler, type HttpApiEvent, type HttpApiResult } from '../../functions/api.js';
import { MetricQueryFailed } from '../../shared/aws/errors.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

// Answers are read loosely: each test asserts the fields it needs.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const fixture = JSON.parse(
  readFileSync(new URL('../events/apigateway/http-api-iam.json', import.meta.url), 'utf8'),
) as HttpApiEvent;

function api(world: World) {
  const handler = createHandler({ ...depsOf(world), catalog: world.catalog });
  return async (path: string, options: { method?: string; ifNoneMatch?: string; body?: string } = {}) => {
    const event = structuredClone(fixture);
    event.rawPath = path;
    event.requestContext!.http!.method = options.method ?? 'GET';
    event.headers = {
      ...event.headers,
      ...(options.ifNoneMatch ? { 'if-none-match': options.ifNoneMatch } : {}),
    };
    if (options.body === undefined) delete event.body;
    else event.body = options.body;
    event.isBase64Encoded = false;
    const result = (await handler(event, {})) as HttpApiResult;
    return { ...result, json: result.body === '' ? null : (JSON.parse(result.body) as Json) };
  };
}

async function linearRun(world: World, until?: () => boolean) {
  seedService(world, 'web');
  const execution = start(
    world,
    'canary',
    { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` },
    'web-run',
  );
  await drive(world, execution, until);
  return execution;
}

describe('ETags on GET', () => {
  it('answers 304 with no body while nothing changed, and a new ETag once it has', async () => {
    const world = createWorld();
    seedService(world, 'api');
    const execution = start(
      world,
      'blue-green',
      { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` },
      'api-run',
    );
    await drive(world, execution, () => world.deployments.items.get('api-run')?.approval !== undefined);
    const call = api(world);

    const first = await call('/deployments/api-run');
    expect(first.statusCode).toBe(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const again = await call('/deployments/api-run', { ifNoneMatch: etag });
    expect(again).toMatchObject({ statusCode: 304, body: '' });
    expect(again.headers.etag).toBe(etag);
    // A weak validator and a list of them match too.
    expect((await call('/deployments/api-run', { ifNoneMatch: `"x", W/${etag}` })).statusCode).toBe(304);

    const approved = await call('/deployments/api-run/approve', { method: 'POST', body: '{"reason":"ok"}' });
    expect(approved.statusCode).toBe(200);
    expect(approved.headers.etag).toBeUndefined();
    await drive(world, execution);
    const changed = await call('/deployments/api-run', { ifNoneMatch: etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.json!.status).toBe('promoted');
  });

  it('never answers 304 to an error', async () => {
    const call = api(createWorld());
    const missing = await call('/deployments/nope');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    expect((await call('/deployments/nope', { ifNoneMatch: '*' })).statusCode).toBe(404);
  });
});

describe('GET /deployments/{id} for the charts', () => {
  it('gives production weights at every step of a linear rollout, from all-stable to all-new', async () => {
    const world = createWorld();
    await linearRun(world);
    const view = (await api(world)('/deployments/web-run')).json!;
    expect(view.status).toBe('promoted');
    const weights = (view.traffic as { candidate: number; at: string }[]).map((p) => p.candidate);
    expect(weights).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    const times = (view.traffic as { at: string }[]).map((p) => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Every analysis is kept, the final one last.
    const analyses = view.analyses as { final: boolean; classification: string }[];
    expect(analyses.length).toBeGreaterThan(0);
    expect(analyses.at(-1)).toMatchObject({ final: true, classification: 'Pass' });
    expect(view.analysis).toEqual(analyses.at(-1));
  });

  it('ends a rolled-back deployment’s weights back on the stable release', async () => {
    const world = createWorld();
    const execution = await linearRun(
      world,
      () => (world.deployments.items.get('web-run')?.weights.candidate ?? 0) >= 20,
    );
    await api(world)('/deployments/web-run/abort', { method: 'POST', body: '{"reason":"looks wrong"}' });
    await drive(world, execution);
    const view = (await api(world)('/deployments/web-run')).json!;
    expect(view.status).toBe('rolled-back');
    const traffic = view.traffic as { candidate: number }[];
    expect(traffic.map((p) => p.candidate)).toEqual([0, 10, 20, 0]);
    // The plan shows what ran: done through the 20% shift, its bake failed (the abort came
    // then), and the rest never ran.
    const steps = view.steps as { kind: string; weight?: number; state: string }[];
    const at20 = steps.findIndex((s) => s.kind === 'shift' && s.weight === 20);
    expect(steps.slice(0, at20 + 1).every((s) => s.state === 'done')).toBe(true);
    expect(steps[at20 + 1]).toMatchObject({ kind: 'bake', state: 'failed' });
    expect(steps.slice(at20 + 2).map((s) => s.state)).toEqual(steps.slice(at20 + 2).map(() => 'skipped'));
    expect(steps.length - at20 - 2).toBeGreaterThan(5);
  });
});

describe('GET /deployments/{id}/metrics', () => {
  it('reads error rate and p99 of both target groups over the same whole minutes', async () => {
    const world = createWorld();
    await linearRun(world);
    const [blue, green] = world.catalog.services.web!.traffic.targetGroups;
    world.metrics.data.set(blue, { 'error-rate': [1, 2], 'latency-p99': [0.2, 0.3] });
    world.metrics.data.set(green, { 'error-rate': [5], 'latency-p99': [0.9] });
    world.metrics.reads.length = 0;
    const body = (await api(world)('/deployments/web-run/metrics')).json!;
    expect(body.periodSeconds).toBe(60);
    const start = Date.parse((body.window as { start: string }).start);
    expect(start % 60_000).toBe(0);
    expect(body.metrics).toEqual([
      {
        name: 'error-rate',
        unit: 'percent',
        baseline: [
          { at: new Date(start).toISOString(), value: 1 },
          { at: new Date(start + 60_000).toISOString(), value: 2 },
        ],
        canary: [{ at: new Date(start).toISOString(), value: 5 }],
      },
      {
        name: 'latency-p99',
        unit: 'seconds',
        baseline: [
          { at: new Date(start).toISOString(), value: 0.2 },
          { at: new Date(start + 60_000).toISOString(), value: 0.3 },
        ],
        canary: [{ at: new Date(start).toISOString(), value: 0.9 }],
      },
    ]);
    expect(world.metrics.reads.map((r) => r.targetGroupArn)).toEqual([blue, green]);
    expect(world.metrics.reads[0]!.window).toEqual(world.metrics.reads[1]!.window);
  });

  it('answers 404 for an unknown deployment and 502 when CloudWatch fails, naming why', async () => {
    const world = createWorld();
    await linearRun(world);
    const call = api(world);
    expect((await call('/deployments/nope/metrics')).statusCode).toBe(404);
    world.metrics.failing = new MetricQueryFailed('GetMetricData is Forbidden');
    const failed = await call('/deployments/web-run/metrics');
    expect(failed.statusCode).toBe(502);
    expect(failed.json!.error).toMatchObject({ code: 'MetricsUnavailable' });
    expect((failed.json!.error as { message: string }).message).toContain('Forbidden');
  });
});

describe('GET /services health', () => {
  it('is ok while every watched alarm is OK, and alarm once one fires', async () => {
    const world = createWorld();
    seedService(world, 'web');
    const call = api(world);
    const web = async () =>
      (
        (await call('/services')).json!.services as { name: string; health: string; alarms: unknown[] }[]
      ).find((s) => s.name === 'web')!;
    const alarm = world.catalog.services.web!.alarms[0]!.name;
    expect(await web()).toMatchObject({
      health: 'ok',
      alarms: expect.arrayContaining([{ name: alarm, state: 'OK' }]),
    });
    world.alarms.inAlarm.add(alarm);
    expect(await web()).toMatchObject({ health: 'alarm' });
    world.alarms.known.clear();
    expect((await web()).health).toBe('unknown');
  });
});
