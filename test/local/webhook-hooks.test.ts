// A webhook hook on the local cloud, end to end: the stack's canary state machine calls a local
// HTTP endpoint with Step Functions' HTTP Task, through an EventBridge connection made with the
// local EventBridge API (its API key sent as the connection says), as the state machine's role.
// The connection is made first, then the catalog that names its ARN is started on the same
// data, as a team would deploy it.

import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateConnectionCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import {
  finished,
  ledger,
  push,
  SCENARIOS,
  startCloud,
  type CloudHandle,
} from '../../harness/local-cloud.js';
import { startWebhookEndpoint, type WebhookEndpoint } from '../support/webhook-endpoint.js';

let handle: CloudHandle;
let endpoint: WebhookEndpoint;
/** What the endpoint answers its nth call (from 1): the body of a 200. */
let answer: (n: number) => unknown = () => ({ status: 'Succeeded' });
let calls: WebhookEndpoint['calls'];

beforeAll(async () => {
  endpoint = await startWebhookEndpoint();
  endpoint.answer = (n) => ({ status: 200, body: answer(n) });
  calls = endpoint.calls;
  const url = `${endpoint.base}/smoke`;

  const dir = mkdtempSync(join(tmpdir(), 'cutover-webhook-'));
  const dataDir = join(dir, 'data');
  const port = await freePort();
  const first = await startCloud({ port, dataDir });
  const events = new EventBridgeClient({
    endpoint: first.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { ConnectionArn } = await events.send(
    new CreateConnectionCommand({
      Name: 'canary-smoke',
      AuthorizationType: 'API_KEY',
      AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x-smoke-key', ApiKeyValue: 'smoke-secret' } },
    }),
  );
  events.destroy();
  await first.stop();

  const catalog = join(dir, 'catalog.yml');
  copyFileSync(SCENARIOS, catalog);
  const text = readFileSync(catalog, 'utf8');
  const at = text.indexOf('    strategy: canary\n');
  writeFileSync(
    catalog,
    `${text.slice(0, at)}    hooks: { BeforeAllowTraffic: { url: '${url}', connection: '${ConnectionArn}' } }\n${text.slice(at)}`,
  );
  handle = await startCloud({ port, dataDir, catalogPath: catalog });
}, 60_000);

afterAll(async () => {
  await handle?.stop();
  await endpoint.close();
});

describe('a webhook hook on the local cloud', () => {
  it('is called by the HTTP Task with the connection key and the event; its SUCCEEDED lets the canary promote', async () => {
    answer = () => ({ hookStatus: 'SUCCEEDED' });
    const digest = push(handle, 'canary', 'v2', 'healthy');
    const execution = await finished(handle, 'canary', digest);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers['x-smoke-key']).toBe('smoke-secret');
    expect(calls[0]!.headers['user-agent']).toMatch(/^Amazon\|StepFunctions\|HttpInvoke\|us-east-1$/);
    expect(calls[0]!.body).toMatchObject({ service: 'canary', hook: 'BeforeAllowTraffic' });
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn }),
    );
    const scheduled = history.events!.find(
      (e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.resourceType === 'http',
    );
    expect(scheduled?.taskScheduledEventDetails?.resource).toBe('invoke');
  });

  it('IN_PROGRESS, then Failed: rolled back before production traffic, quoting the hook', async () => {
    calls.length = 0;
    answer = (n) =>
      n === 1
        ? { hookStatus: 'IN_PROGRESS', callBackDelay: 30, hookDetails: { step: 1 } }
        : { status: 'Failed', message: 'checkout answered 502' };
    const digest = push(handle, 'canary', 'v3', 'healthy');
    const execution = await finished(handle, 'canary', digest);
    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toMatch(
      /^hook BeforeAllowTraffic \(http:\/\/127\.0\.0\.1:\d+\/smoke\) failed after 2 calls: checkout answered 502$/,
    );
    expect(calls.map((c) => c.body.hookDetails)).toEqual([undefined, { step: 1 }]);
    expect((await ledger(handle, 'canary')).records.at(-1)).toMatchObject({
      type: 'Aborted',
      detail: { reason: { kind: 'hook', hook: 'BeforeAllowTraffic' } },
    });
  });
});
