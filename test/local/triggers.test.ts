// ECR push events on the local cloud, delivered as AWS delivers them: at least once and in
// any order. The same event (same id) delivered three times (or again later) gives one
// deployment; an older image's event that arrives after a newer one never replaces the
// newer release.

import {
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
} from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEvent, PublishedEvent } from '../../local/aws/eventbridge.js';
import { freePort } from '../../harness/emulators.js';
import {
  finished,
  ledger,
  newest,
  push,
  startCloud,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';

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

/** The ECR push event the local ECR put on the bus for `digest`, as EventBridge delivered it (with its id). */
function deliveredEvent(digest: string): EventBridgeEvent {
  const found = handle.cloud.events
    .recent(1000)
    .map((r) => r.event)
    .find((e) => e.source === 'aws.ecr' && e.detail['image-digest'] === digest);
  if (found === undefined) throw new Error(`no ECR event for ${digest}`);
  return found;
}

/** The ECR push event for `digest`, as a producer would put it again (a new event, with a new id). */
function pushEvent(digest: string): PublishedEvent {
  const found = deliveredEvent(digest);
  return {
    source: found.source,
    'detail-type': found['detail-type'],
    detail: found.detail,
    time: found.time,
  };
}

/** EventBridge delivering the same event again, as at-least-once delivery may. */
async function redeliver(event: EventBridgeEvent): Promise<void> {
  await handle.cloud.functions.resolve('on-image-push')(structuredClone(event), {
    functionName: 'on-image-push',
  });
}

/** Push executions are named `<service>-<12 hex of the digest>-e<event>`. */
const executionPrefix = (service: string, digest: string) => `${service}-${digest.slice(7, 19)}-`;

async function executionsNamed(prefix: string): Promise<number> {
  let count = 0;
  for (const stateMachineArn of handle.cloud.stepFunctions.machines.keys()) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    count += (listed.executions ?? []).filter((e) => e.name?.startsWith(prefix)).length;
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
  it('the same ECR event delivered three times gives one deployment, and again after it ended none', async () => {
    const digest = push(handle, 'allatonce', 'v2', 'healthy');
    const event = deliveredEvent(digest);
    await Promise.all([redeliver(event), redeliver(event)]);
    await handle.cloud.events.idle();
    expect((await finished(handle, 'allatonce', digest)).status).toBe('SUCCEEDED');
    expect(await executionsNamed(executionPrefix('allatonce', digest))).toBe(1);
    expect(await releasesOf('allatonce', digest)).toBe(1);

    await redeliver(event);
    expect(await executionsNamed(executionPrefix('allatonce', digest))).toBe(1);
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
    const newestDigest = push(handle, 'canary', 'v4', 'healthy');
    await eventbridge.send(new EnableRuleCommand({ Name: rule }));
    expect(new Date(pushEvent(older).time!).getTime()).toBeLessThan(
      new Date(pushEvent(newestDigest).time!).getTime(),
    );

    handle.cloud.events.publish(pushEvent(newestDigest));
    // Once it holds the lock and its record is written: before that, two pushes race for the lock.
    await until(async () => {
      const execution = await newest(handle, executionPrefix('canary', newestDigest));
      return (await handle.clients.deployments.get(execution?.name ?? ''))?.status === 'running';
    }, 'the newest push to deploy');
    // While the newest deploys.
    handle.cloud.events.publish(pushEvent(older));
    const duringRun = await finished(handle, 'canary', older);
    expect((await finished(handle, 'canary', newestDigest)).status).toBe('SUCCEEDED');
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: duringRun.executionArn }),
    );
    const entered = (history.events ?? []).flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(duringRun.status).toBe('SUCCEEDED');
    expect(entered.at(-1)).toBe('StalePushIgnored');

    // After the newest is live, on-image-push ignores the older push: no execution at all.
    handle.cloud.events.publish(pushEvent(oldest));
    await handle.cloud.events.idle();
    expect(await executionsNamed(executionPrefix('canary', oldest))).toBe(0);

    expect(await releasesOf('canary', older)).toBe(0);
    expect(await releasesOf('canary', oldest)).toBe(0);
    const { records, verified } = await ledger(handle, 'canary');
    expect(verified).toMatchObject({ ok: true });
    expect(records.filter((r) => r.type === 'Promoted').at(-1)?.detail.image).toMatch(
      new RegExp(`${newestDigest}$`),
    );
  });
});
