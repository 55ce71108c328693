// The demo's header-routed step, end to end on the local cloud `npm start` runs: while shop's
// step runs, the AWS CLI's describe-rules shows its rule (the shop path and the cookie, to the new
// task set alone); a request with the cookie reaches the new release and one without the old; the
// local traffic metrics show the new task set served only the requests with the cookie (one in
// twenty of shop's); and once the first weighted shift came, the rule is gone.

import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../cli/commands/local.js';
import { freePort } from '../../harness/emulators.js';
import {
  finished,
  push,
  requestsPerMinute,
  startCloud,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';
import { targetGroupDimension } from '../../local/aws/elbv2.js';
import { OPT_IN_SHARE } from '../../local/world/world.js';
import { awsCli, hasAwsCli } from '../support/aws-cli.js';

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: DEMO_CATALOG, speed: 120 });
});

afterAll(async () => {
  await handle?.stop();
});

const shop = () => handle.catalog.services.shop!;
const listener = () =>
  shop()
    .traffic.productionListenerRule.replace(':listener-rule/', ':listener/')
    .replace(/\/[^/]+$/, '');

/** A GET through the shop's listener, as ALB routes it, with these headers: the image that answered. */
function imageAnswering(headers: Record<string, string>): Promise<string> {
  const url = `${handle.cloud.loadBalancerEndpoint}/listeners/${encodeURIComponent(listener())}/shop/`;
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.headers['x-cutover-image'])));
    })
      .on('error', reject)
      .end();
  });
}

/** Requests per minute of one of shop's target groups, between two times. */
async function groupRequests(group: string, from: number, to: number): Promise<number[]> {
  const dimensions = {
    TargetGroup: targetGroupDimension(group),
    LoadBalancer: 'app/cutover-demo/c6f5425c84684d5b',
  };
  return (await requestsPerMinute(handle, dimensions, new Date(from), new Date(to))).Values;
}

describe.skipIf(!hasAwsCli)("shop's header-routed step, on the demo", () => {
  it('routes only requests with the cookie to the new release while it runs, seen by describe-rules and the traffic metrics', async () => {
    const [blue, green] = shop().traffic.targetGroups;
    const digest = push(handle, 'shop', 'v2', 'healthy');
    await until(
      async () => (await handle.clients.deployments.listByService('shop', 1))[0]?.phase === 'bake',
      "shop's header-routed step",
    );
    const described = await awsCli(
      handle.cloud.endpoint,
      'elbv2',
      'describe-rules',
      '--listener-arn',
      listener(),
    );
    type Rule = { Priority: string; Conditions: unknown[]; Actions: { ForwardConfig: unknown }[] };
    const rule = (described.json.Rules as Rule[]).find((r) => r.Priority === '5')!;
    expect(rule.Conditions).toEqual([
      expect.objectContaining({ Field: 'path-pattern', PathPatternConfig: { Values: ['/shop/*'] } }),
      {
        Field: 'http-header',
        HttpHeaderConfig: {
          HttpHeaderName: 'Cookie',
          Values: ['canary=always', 'canary=always;*', '*; canary=always', '*; canary=always;*'],
        },
      },
    ]);
    expect(rule.Actions[0]!.ForwardConfig).toMatchObject({ TargetGroups: [{ TargetGroupArn: green }] });

    const withCookie = await imageAnswering({ cookie: 'session=1; canary=always' });
    const without = await imageAnswering({ cookie: 'canary=never' });
    expect(withCookie).toContain(digest);
    expect(without).not.toContain(digest);

    const execution = await finished(handle, 'shop', digest);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    const after = await awsCli(
      handle.cloud.endpoint,
      'elbv2',
      'describe-rules',
      '--listener-arn',
      listener(),
    );
    expect((after.json.Rules as Rule[]).map((r) => r.Priority)).not.toContain('5');

    // The whole minutes of the step: the new task set served the requests with the cookie alone.
    const [deployment] = await handle.clients.deployments.listByService('shop', 1);
    const minute = 60_000;
    const from = Math.ceil(deployment!.trafficStartedAt! / minute) * minute;
    const to = Math.floor(deployment!.headerRoute!.removedAt! / minute) * minute;
    expect(to - from).toBeGreaterThanOrEqual(3 * minute);
    const canary = await groupRequests(green, from, to);
    const stable = await groupRequests(blue, from, to);
    const share = canary.reduce((a, b) => a + b, 0) / [...canary, ...stable].reduce((a, b) => a + b, 0);
    expect(
      canary.every((n) => n > 0),
      JSON.stringify({ canary, stable }),
    ).toBe(true);
    expect(share).toBeCloseTo(OPT_IN_SHARE, 2);
  });
});
