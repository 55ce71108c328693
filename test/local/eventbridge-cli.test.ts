// The real AWS CLI (v1, botocore) against the local EventBridge: the CLI signs, serializes
// and parses exactly as it does against AWS, so these prove the wire protocol end to end.

import { execFile, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEventBridge, type EventBridgeEvent } from '../../local/aws/eventbridge.js';
import { createAwsServer } from '../../local/aws/server.js';
import { ManualClock } from '../../local/clock.js';
import { freePort } from '../../harness/emulators.js';

const cliAvailable = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!cliAvailable)('the AWS CLI against the local EventBridge', () => {
  const deliveries: { target: string; event: EventBridgeEvent }[] = [];
  const bus = new LocalEventBridge({
    clock: new ManualClock(Date.parse('2026-01-01T00:00:00Z')),
    region: 'us-east-1',
    account: '123456789012',
    deliver: (target, event) => {
      deliveries.push({ target, event });
      return Promise.resolve();
    },
  });
  let server: Server;
  let endpoint: string;

  beforeAll(async () => {
    server = createAwsServer({
      json: { AWSEvents: { service: bus.service, contentType: 'application/x-amz-json-1.1' } },
      query: {},
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await bus.idle();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** `aws --endpoint-url <local> --output json events …`, with credentials of its own and no profile. */
  function aws(...args: string[]): Promise<Run> {
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')),
    );
    Object.assign(env, {
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    });
    return new Promise((resolve) => {
      execFile(
        'aws',
        ['--endpoint-url', endpoint, '--output', 'json', 'events', ...args],
        { env, timeout: 20_000 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  function json(run: Run): unknown {
    expect(run, run.stderr).toMatchObject({ code: 0 });
    return JSON.parse(run.stdout);
  }

  const pattern = { source: ['cutover.cli'], detail: { service: ['web'] } };

  it('put-rule and put-targets set up a rule; list-rules shows it as created', async () => {
    expect(
      json(await aws('put-rule', '--name', 'from-cli', '--event-pattern', JSON.stringify(pattern))),
    ).toEqual({
      RuleArn: 'arn:aws:events:us-east-1:123456789012:rule/from-cli',
    });
    const targets = [{ Id: 'react', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:react' }];
    expect(
      json(await aws('put-targets', '--rule', 'from-cli', '--targets', JSON.stringify(targets))),
    ).toEqual({
      FailedEntryCount: 0,
      FailedEntries: [],
    });
    expect(json(await aws('list-rules'))).toEqual({
      Rules: [
        {
          Name: 'from-cli',
          Arn: 'arn:aws:events:us-east-1:123456789012:rule/from-cli',
          EventPattern: JSON.stringify(pattern),
          State: 'ENABLED',
          EventBusName: 'default',
        },
      ],
    });
  });

  it('put-events accepts a matching entry, which is delivered, and reports a malformed one', async () => {
    const entries = [
      {
        Source: 'cutover.cli',
        DetailType: 'Deployment Requested',
        Detail: JSON.stringify({ service: 'web' }),
      },
      { Source: 'cutover.cli', DetailType: 'Deployment Requested', Detail: '{"service": ' },
    ];
    const answer = json(await aws('put-events', '--entries', JSON.stringify(entries))) as {
      Entries: { EventId?: string }[];
    };
    expect(answer).toEqual({
      FailedEntryCount: 1,
      Entries: [
        { EventId: expect.any(String) },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      ],
    });
    await bus.idle();
    expect(deliveries).toEqual([
      {
        target: 'react',
        event: expect.objectContaining({
          id: answer.Entries[0]?.EventId,
          source: 'cutover.cli',
          'detail-type': 'Deployment Requested',
          detail: { service: 'web' },
        }),
      },
    ]);
  });

  it('test-event-pattern answers true for a matching event and false for another', async () => {
    const event = {
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'Deployment Requested',
      source: 'cutover.cli',
      account: '123456789012',
      time: '2026-01-01T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: { service: 'web' },
    };
    const test = (e: unknown) =>
      aws('test-event-pattern', '--event-pattern', JSON.stringify(pattern), '--event', JSON.stringify(e));
    expect(json(await test(event))).toEqual({ Result: true });
    expect(json(await test({ ...event, detail: { service: 'api' } }))).toEqual({ Result: false });
  });

  it('fails, naming InvalidEventPatternException, for a pattern AWS would refuse', async () => {
    const run = await aws(
      'put-rule',
      '--name',
      'bad',
      '--event-pattern',
      '{"source":[{"prefx":"cutover."}]}',
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('InvalidEventPatternException');
    expect(run.stderr).toContain('Unrecognized match type prefx');
  });
});
