// The local load balancer's data plane: a request through a listener rule reaches a healthy task
// of the group the rule forwards to, in turn, and is answered as the task's image profile says;
// with no such task, ALB's own 502 or 503. Then the HTTP server in front of it.

import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandler as smokeTestOf } from '../../examples/hooks/web-smoke-test.js';
import { createDataPlaneServer } from '../../local/data-plane-server.js';
import { DataPlane, type DataPlaneWorld } from '../../local/world/data-plane.js';
import { PROFILES, type ImageProfile } from '../../local/world/profiles.js';

const RULE = 'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener-rule/app/demo/1a2b3c/4d5e6f/7a8b';
const task = (id: string, profile: ImageProfile) => ({
  taskArn: `arn:task/demo/${id}`,
  image: `web@${id}`,
  profile,
});

/** A rule forwarding to group `new`, whose tasks are `tasks`, and `registered` targets. */
function worldOf(tasks: ReturnType<typeof task>[], registered = tasks.length): DataPlaneWorld {
  return {
    forwardWeights: (rule) => {
      if (rule !== RULE) throw new Error(`RuleNotFound: ${rule}`);
      return [
        { targetGroupArn: 'old', weight: 0 },
        { targetGroupArn: 'new', weight: 100 },
      ];
    },
    // A request with `x-canary: always` meets the header rule; any other, the listener's default.
    route: (_listener, request) =>
      request.headers?.['x-canary'] === 'always'
        ? { ruleArn: RULE, weights: [{ targetGroupArn: 'new', weight: 1 }] }
        : { ruleArn: 'default', weights: [{ targetGroupArn: 'old', weight: 1 }] },
    servingTasks: (group) => (group === 'new' ? tasks : [task('old-1', PROFILES.healthy)]),
    registeredTargets: () => registered,
  };
}

describe('the data plane', () => {
  it('sends a request to the group with weight, its tasks taking turns, answering for each', () => {
    const plane = new DataPlane(worldOf([task('a', PROFILES.healthy), task('b', PROFILES.healthy)]));
    const answers = [1, 2, 3].map(() => plane.answer(RULE, '/smoke'));
    expect(answers.map((a) => [a.status, a.headers['x-cutover-task']])).toEqual([
      [200, 'arn:task/demo/a'],
      [200, 'arn:task/demo/b'],
      [200, 'arn:task/demo/a'],
    ]);
    expect(answers[0]!.headers['x-cutover-image']).toBe('web@a');
  });

  it("answers the smoke path 500 with the profile's failure; other paths as its error rate says", () => {
    const plane = new DataPlane(worldOf([task('a', PROFILES['smoke-fails'])]), () => 0.5);
    const smoke = plane.answer(RULE, '/smoke');
    expect(smoke.status).toBe(500);
    expect(JSON.parse(smoke.body)).toEqual({ error: PROFILES['smoke-fails'].smokeFailure });
    expect(plane.answer(RULE, '/').status).toBe(200);
    const faulty = new DataPlane(worldOf([task('a', PROFILES.faulty)]), () => 0.1);
    expect(faulty.answer(RULE, '/').status).toBe(500);
    expect(faulty.answer(RULE, '/smoke').status).toBe(200);
  });

  it('answers as ALB does with no healthy task: 503 when none is registered, 502 when none is healthy', () => {
    expect(new DataPlane(worldOf([], 0)).answer(RULE, '/smoke').status).toBe(503);
    expect(new DataPlane(worldOf([], 2)).answer(RULE, '/smoke').status).toBe(502);
  });

  it('answers 404 for a rule no local load balancer has', () => {
    const answer = new DataPlane(worldOf([])).answer(`${RULE}0`, '/smoke');
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('no listener rule');
  });
});

describe('the load balancer server', () => {
  let server: ReturnType<typeof createDataPlaneServer>;
  let base: string;

  beforeAll(async () => {
    server = createDataPlaneServer(new DataPlane(worldOf([task('a', PROFILES['smoke-fails'])])));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  function get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      request(`${base}${path}`, { headers }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
  }

  it('routes /rules/<encoded rule>/<path> through that rule', async () => {
    const answer = await get(`/rules/${encodeURIComponent(RULE)}/smoke?attempt=1`);
    expect(answer.status).toBe(500);
    expect(answer.body).toContain('PAYMENTS_URL');
  });

  it('routes /listeners/<encoded listener>/<path> by the rule the request meets, its headers included', async () => {
    const listener = encodeURIComponent(
      RULE.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, ''),
    );
    const matching = await new Promise<Record<string, unknown>>((resolve, reject) => {
      request(`${base}/listeners/${listener}/smoke`, { headers: { 'X-Canary': 'always' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode, ...res.headers }));
      })
        .on('error', reject)
        .end();
    });
    expect(matching).toMatchObject({
      status: 500,
      'x-cutover-task': 'arn:task/demo/a',
      'x-cutover-rule': RULE,
    });
    const other = await get(`/listeners/${listener}/smoke`, { 'X-Canary': 'sometimes' });
    expect(other.status).toBe(200);
  });

  it('refuses another path, a browser, and a host that is not loopback', async () => {
    expect((await get('/smoke')).status).toBe(404);
    expect(
      (await get(`/rules/${encodeURIComponent(RULE)}/smoke`, { origin: 'https://evil.example' })).status,
    ).toBe(403);
    expect((await get(`/rules/${encodeURIComponent(RULE)}/smoke`, { host: 'evil.example' })).status).toBe(
      421,
    );
    expect((await get('/rules/%E0%A4%A/smoke')).status).toBe(400);
  });
});

// A faulty image answers a quarter of its requests 5xx, and its smoke endpoint 200: the demo's smoke
// test must pass it every time, so that its alarm, not chance, is what rolls it back. (It asked
// `/` once, and failed a quarter of faulty pushes before any production traffic.)
describe("the demo's smoke test through the load balancer", () => {
  it('passes a faulty image whose every other path fails, and fails a smoke-fails one, quoting it', async () => {
    const verdict = async (profile: ImageProfile) => {
      const server = createDataPlaneServer(new DataPlane(worldOf([task('a', profile)]), () => 0));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        return await smokeTestOf({ CUTOVER_LOCAL_LOAD_BALANCER: local })({
          deploymentId: 'd-1',
          service: 'web',
          hook: 'BeforeAllowTraffic',
          image: 'web@sha256:1',
          testListenerRule: RULE,
        });
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    };
    expect(await verdict(PROFILES.faulty)).toEqual({
      status: 'Succeeded',
      message: '5 requests to the new task set answered 200',
    });
    const failed = await verdict(PROFILES['smoke-fails']);
    expect(failed.status).toBe('Failed');
    expect(failed.message).toContain(PROFILES['smoke-fails'].smokeFailure);
  });
});
