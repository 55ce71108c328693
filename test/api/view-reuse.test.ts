// GET /services answered from one shared read while it is fresh (shared/api/view-reuse.ts):
// never older than its maximum age, never older than a write made through the API, a read in
// flight shared, errors never kept.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler, type HttpApiEvent, type HttpApiResult } from '../../functions/api.js';
import type { ApiResponse } from '../../shared/api/request.js';
import { ViewReuse } from '../../shared/api/view-reuse.js';
import { createWorld, depsOf, seedService } from '../../harness/engine.js';

/** A read that answers `{ n }`, its count, when `release` is called (or at once). */
function reads(status = 200) {
  let count = 0;
  const waiting: (() => void)[] = [];
  let held = false;
  return {
    get count() {
      return count;
    },
    hold: () => void (held = true),
    release: () => {
      held = false;
      for (const go of waiting.splice(0)) go();
    },
    read: (): Promise<ApiResponse> => {
      const n = ++count;
      const answer = { status, body: { n } };
      if (!held) return Promise.resolve(answer);
      return new Promise((resolve) => waiting.push(() => resolve(answer)));
    },
  };
}

const n = (response: ApiResponse) => (response.body as { n: number }).n;

describe('ViewReuse', () => {
  it('answers requests within half the age from one read', async () => {
    let now = 0;
    const views = new ViewReuse({ maxAgeMs: 500, now: () => now });
    const r = reads();
    expect(n(await views.view(r.read))).toBe(1);
    now = 250;
    expect(n(await views.view(r.read))).toBe(1);
    expect(r.count).toBe(1);
  });

  it('shares a read in flight with the requests that come while it runs', async () => {
    const views = new ViewReuse({ now: () => 0 });
    const r = reads();
    r.hold();
    const answers = [views.view(r.read), views.view(r.read), views.view(r.read)];
    r.release();
    expect((await Promise.all(answers)).map(n)).toEqual([1, 1, 1]);
    expect(r.count).toBe(1);
  });

  it('past half the age answers the view it has and reads the next, which later requests get', async () => {
    let now = 0;
    const views = new ViewReuse({ maxAgeMs: 500, now: () => now });
    const r = reads();
    await views.view(r.read);
    now = 300;
    expect(n(await views.view(r.read))).toBe(1);
    expect(r.count).toBe(2);
    await Promise.resolve();
    now = 350;
    expect(n(await views.view(r.read))).toBe(2);
  });

  it('never answers a view past its age: the request waits for a fresh read', async () => {
    let now = 0;
    const views = new ViewReuse({ maxAgeMs: 500, now: () => now });
    const r = reads();
    await views.view(r.read);
    now = 501;
    expect(n(await views.view(r.read))).toBe(2);
  });

  it('never answers a view read before a write through the API finished, even one still in flight', async () => {
    const views = new ViewReuse({ now: () => 0 });
    const r = reads();
    await views.view(r.read);
    views.wrote();
    expect(n(await views.view(r.read))).toBe(2);

    r.hold();
    views.wrote();
    const before = views.view(r.read);
    views.wrote();
    const after = views.view(r.read);
    r.release();
    expect([n(await before), n(await after)]).toEqual([3, 4]);
    expect(n(await views.view(r.read))).toBe(4);
  });

  it('keeps no error: the next request reads again', async () => {
    const views = new ViewReuse({ now: () => 0 });
    const failing = reads(503);
    expect((await views.view(failing.read)).status).toBe(503);
    expect((await views.view(failing.read)).status).toBe(503);
    expect(failing.count).toBe(2);
    const thrown = () => Promise.reject(new Error('DynamoDB is down'));
    await expect(views.view(thrown)).rejects.toThrow('DynamoDB is down');
    expect(n(await views.view(reads().read))).toBe(1);
  });

  it('refuses a negative age', () => {
    expect(() => new ViewReuse({ maxAgeMs: -1 })).toThrow('maxAgeMs');
  });
});

describe('GET /services through the handler, with reuse', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../events/apigateway/http-api-iam.json', import.meta.url), 'utf8'),
  ) as HttpApiEvent;

  it('shows an alarm that fired once the view is past its age, and at once after a write through the API', async () => {
    const world = createWorld();
    seedService(world, 'web');
    let now = 0;
    const handler = createHandler({
      ...depsOf(world),
      catalog: world.catalog,
      views: new ViewReuse({ maxAgeMs: 500, now: () => now }),
    });
    const call = async (method: string, path: string, body?: string) => {
      const event = structuredClone(fixture);
      event.rawPath = path;
      event.requestContext!.http!.method = method;
      event.isBase64Encoded = false;
      if (body === undefined) delete event.body;
      else event.body = body;
      return (await handler(event, {})) as HttpApiResult;
    };
    const health = async () => {
      const body = JSON.parse((await call('GET', '/services')).body) as {
        services: { name: string; health: string }[];
      };
      return body.services.find((s) => s.name === 'web')!.health;
    };
    expect(await health()).toBe('ok');
    world.alarms.inAlarm.add(world.catalog.services.web!.alarms[0]!.name);
    now = 100;
    expect(await health()).toBe('ok'); // a view 100 ms old: the alarm fired outside the API
    now = 600;
    expect(await health()).toBe('alarm');

    world.alarms.inAlarm.clear();
    now = 650;
    expect(await health()).toBe('alarm');
    // Any write through the API, even one refused, ends the view read before it.
    expect((await call('POST', '/deployments', '{}')).statusCode).toBeGreaterThanOrEqual(400);
    expect(await health()).toBe('ok');
  });
});
