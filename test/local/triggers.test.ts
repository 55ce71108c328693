// ECR push events on the local cloud, delivered as AWS delivers them: at least once and in
// any order. The same event put three times (or replayed later) gives one deployment; an
// older image's event that arrives after a newer one never replaces the newer release.

import {
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedEvent } from '../../local/aws/eventbridge.js';
import { freePort } from '../support/emulators.js';
import { finished, ledger, push, startCloud, until, type CloudHandle } from '../support/local-cloud.js';

let handle: CloudHandle;
let eventbridge: EventBridgeClient;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  eventbridge = new EventBridgeClient({
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  eventbridge?.destroy();
  await handle?.stop();
});

/** The ECR push event the local ECR put on the bus for `digest`, as a producer would put it again. */
function pushEvent(digest: string): PublishedEvent {
  const found = handle.cloud.events
    .recent(1000)
    .map((r) => r.event)
    .find((e) => e.source === 'aws.ecr' && e.detail['image-digest'] === digest);
  if (found === undefined) throw new Error(`no ECR event for ${digest}`);
  return {
    source: found.source,
    'detail-type': found['detail-type'],
    detail: found.detail,
    time: found.time,
  };
}

const executionName = (service: string, digest: string) => `${service}-${digest.slice(7, 19)}`;

async function executionsNamed(name: string): Promise<number> {
  let count = 0;
  for (const stateMachineArn of handle.cloud.stepFunctions.machines.keys()) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    count += (listed.executions ?? []).filter((e) => e.name === name).length;
  }
  return count;
}

async function releasesOf(service: string, digest: string): Promise<number> {
  const { records } = await ledger(handle, service);
  return records.filter((r) => r.type === 'ReleaseStarted' && String(r.detail.image).endsWith(digest)).length;
}

/** The rule that sends ECR pushes to on-image-push. */
async function pushRule(): Promise<string> {
  const { Rules } = await eventbridge.send(new ListRulesCommand({}));
  for (const rule of Rules ?? []) {
    const { Targets } = await eventbridge.send(new ListTargetsByRuleCommand({ Rule: rule.Name! }));
    if (Targets?.some((t) => t.Arn!.endsWith(':function:on-image-push'))) return rule.Name!;
  }
  throw new Error('no rule targets on-image-push');
}

describe('ECR push events, delivered at least once and out of order', () => {
  it('the same ECR event put three times gives one deployment, and a replay after it ended none', async () => {
    const digest = push(handle, 'allatonce', 'v2', 'healthy');
    const event = pushEvent(digest);
    handle.cloud.events.publish(event);
    handle.cloud.events.publish(event);
    await handle.cloud.events.idle();
    expect((await finished(handle, 'allatonce', digest)).status).toBe('SUCCEEDED');
    expect(await executionsNamed(executionName('allatonce', digest))).toBe(1);
    expect(await releasesOf('allatonce', digest)).toBe(1);

    handle.cloud.events.publish(event);
    await handle.cloud.events.idle();
    expect(await executionsNamed(executionName('allatonce', digest))).toBe(1);
    expect(await releasesOf('allatonce', digest)).toBe(1);
  });

  it('an older image’s event arriving after a newer one’s deploys nothing, during or after the newer deployment', async () => {
    const rule = await pushRule();
    // Three pushes while the rule is off, so that their events can be delivered in another order.
    await eventbridge.send(new DisableRuleCommand({ Name: rule }));
    const oldest = push(handle, 'canary', 'v2', 'healthy');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const older = push(handle, 'canary', 'v3', 'healthy');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const newest = push(handle, 'canary', 'v4', 'healthy');
    await eventbridge.send(new EnableRuleCommand({ Name: rule }));
    expect(new Date(pushEvent(older).time!).getTime()).toBeLessThan(
      new Date(pushEvent(newest).time!).getTime(),
    );

    handle.cloud.events.publish(pushEvent(newest));
    // Once it holds the lock and its record is written: before that, two pushes race for the lock.
    await until(
      async () =>
        (await handle.clients.deployments.get(executionName('canary', newest)))?.status === 'running',
      'the newest push to deploy',
    );
    // While the newest deploys.
    handle.cloud.events.publish(pushEvent(older));
    const duringRun = await finished(handle, 'canary', older);
    expect((await finished(handle, 'canary', newest)).status).toBe('SUCCEEDED');
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: duringRun.executionArn }),
    );
    const entered = (history.events ?? []).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(duringRun.status).toBe('SUCCEEDED');
    expect(entered.at(-1)).toBe('StalePushIgnored');

    // After the newest is live, on-image-push ignores the older push: no execution at all.
    handle.cloud.events.publish(pushEvent(oldest));
    await handle.cloud.events.idle();
    expect(await executionsNamed(executionName('canary', oldest))).toBe(0);

    expect(await releasesOf('canary', older)).toBe(0);
    expect(await releasesOf('canary', oldest)).toBe(0);
    const { records, verified } = await ledger(handle, 'canary');
    expect(verified).toMatchObject({ ok: true });
    expect(records.filter((r) => r.type === 'Promoted').at(-1)?.detail.image).toMatch(
      new RegExp(`${newest}$`),
    );
  });
});
