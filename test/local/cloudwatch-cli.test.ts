// The real AWS CLI against the local CloudWatch. Which protocol does AWS CLI v1 use here? botocore
// walks its own priority list (json, rest-json, rest-xml, smithy-rpc-v2-cbor, query, ec2) and takes
// the first protocol the service model lists; CloudWatch's model lists ["smithy-rpc-v2-cbor",
// "json", "query"], so the CLI sends AWS JSON 1.0 with `X-Amz-Target:
// GraniteServiceVersion20100801.<Operation>` (checked below with --debug). The server has no query
// route, so a query-protocol request would fail.

import { execFile, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { LocalCloudWatch } from '../../local/aws/cloudwatch.js';
import { createAwsServer } from '../../local/aws/server.js';
import { freePort } from '../../harness/emulators.js';

const awsAvailable = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(!awsAvailable)('the AWS CLI against the local CloudWatch', () => {
  let server: Server;
  let endpoint: string;
  const clock = new ManualClock(T0);
  const cw = new LocalCloudWatch({ clock, region: 'us-east-1', account: '123456789012' });

  beforeAll(async () => {
    const port = await freePort();
    server = createAwsServer({
      json: {
        GraniteServiceVersion20100801: {
          service: cw.service,
          contentType: 'application/x-amz-json-1.0',
          queryCompatible: true,
        },
      },
      query: {},
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
  });

  /** Runs `aws --endpoint-url … cloudwatch <args>` without blocking this process's server. */
  function aws(...args: string[]): Promise<CliResult> {
    return new Promise((resolve) => {
      execFile(
        'aws',
        ['--endpoint-url', endpoint, '--output', 'json', 'cloudwatch', ...args],
        {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            AWS_ACCESS_KEY_ID: 'testing',
            AWS_SECRET_ACCESS_KEY: 'testing',
            AWS_DEFAULT_REGION: 'us-east-1',
            AWS_CONFIG_FILE: '/dev/null',
            AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  async function json(...args: string[]): Promise<Record<string, unknown>> {
    const result = await aws(...args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout.trim() === '' ? {} : (JSON.parse(result.stdout) as Record<string, unknown>);
  }

  it('sends CloudWatch requests as AWS JSON 1.0', async () => {
    const result = await aws('describe-alarms', '--debug');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/X-Amz-Target': b?'GraniteServiceVersion20100801\.DescribeAlarms'/);
    expect(result.stderr).toContain('application/x-amz-json-1.0');
  }, 60_000);

  it('put-metric-alarm, then describe-alarms returns it', async () => {
    await json(
      'put-metric-alarm',
      '--alarm-name',
      'web-5xx',
      '--namespace',
      'AWS/ApplicationELB',
      '--metric-name',
      'HTTPCode_Target_5XX_Count',
      '--dimensions',
      'Name=TargetGroup,Value=targetgroup/web/0123456789abcdef',
      '--statistic',
      'Sum',
      '--period',
      '60',
      '--evaluation-periods',
      '3',
      '--datapoints-to-alarm',
      '2',
      '--threshold',
      '5',
      '--comparison-operator',
      'GreaterThanThreshold',
      '--treat-missing-data',
      'notBreaching',
    );
    const out = await json('describe-alarms', '--alarm-names', 'web-5xx');
    expect(out.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'web-5xx',
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx',
        StateValue: 'INSUFFICIENT_DATA',
        Dimensions: [{ Name: 'TargetGroup', Value: 'targetgroup/web/0123456789abcdef' }],
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Threshold: 5,
        TreatMissingData: 'notBreaching',
        // AWS CLI v1 prints timestamps as received (cli_timestamp_format "none"): JSON sends epoch seconds.
        AlarmConfigurationUpdatedTimestamp: T0 / 1000,
      }),
    ]);
  }, 60_000);

  it('set-alarm-state, then describe-alarms shows the state and reason that were set', async () => {
    await json(
      'set-alarm-state',
      '--alarm-name',
      'web-5xx',
      '--state-value',
      'ALARM',
      '--state-reason',
      'drill from the CLI',
      '--state-reason-data',
      '{"source":"cli"}',
    );
    const out = await json('describe-alarms', '--state-value', 'ALARM');
    expect(out.MetricAlarms).toEqual([
      expect.objectContaining({
        AlarmName: 'web-5xx',
        StateValue: 'ALARM',
        StateReason: 'drill from the CLI',
        StateReasonData: '{"source":"cli"}',
      }),
    ]);
  }, 60_000);

  it('describe-alarm-history lists the state update and the creation', async () => {
    const out = await json('describe-alarm-history', '--alarm-name', 'web-5xx');
    const items = out.AlarmHistoryItems as Array<Record<string, string>>;
    expect(items.map((i) => [i.HistoryItemType, i.HistorySummary])).toEqual([
      ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
      ['ConfigurationUpdate', 'Alarm "web-5xx" created'],
    ]);
    expect(JSON.parse(items[0]!.HistoryData!)).toEqual({
      version: '1.0',
      oldState: { stateValue: 'INSUFFICIENT_DATA', stateReason: 'Unchecked: Initial alarm creation' },
      newState: {
        stateValue: 'ALARM',
        stateReason: 'drill from the CLI',
        stateReasonData: { source: 'cli' },
      },
    });
    const stateOnly = await json(
      'describe-alarm-history',
      '--alarm-name',
      'web-5xx',
      '--history-item-type',
      'StateUpdate',
    );
    expect(stateOnly.AlarmHistoryItems).toHaveLength(1);
  }, 60_000);

  it('get-metric-statistics returns Sum and p99 per period', async () => {
    const latencies = Array.from({ length: 200 }, (_, i) => (i < 190 ? 0.1 : 1.5));
    cw.record(
      'AWS/ApplicationELB',
      'TargetResponseTime',
      { TargetGroup: 'tg' },
      T0 + 10_000,
      { values: latencies },
      'Seconds',
    );
    cw.record(
      'AWS/ApplicationELB',
      'TargetResponseTime',
      { TargetGroup: 'tg' },
      T0 + MINUTE + 10_000,
      0.3,
      'Seconds',
    );
    const out = await json(
      'get-metric-statistics',
      '--namespace',
      'AWS/ApplicationELB',
      '--metric-name',
      'TargetResponseTime',
      '--dimensions',
      'Name=TargetGroup,Value=tg',
      '--start-time',
      '2026-01-01T00:00:00Z',
      '--end-time',
      '2026-01-01T00:05:00Z',
      '--period',
      '60',
      '--statistics',
      'Sum',
      'SampleCount',
      '--extended-statistics',
      'p99',
    );
    expect(out.Label).toBe('TargetResponseTime');
    const points = out.Datapoints as Array<Record<string, unknown>>;
    expect(points).toHaveLength(2);
    expect(points[0]).toMatchObject({
      Timestamp: T0 / 1000,
      SampleCount: 200,
      Unit: 'Seconds',
      ExtendedStatistics: { p99: 1.5 },
    });
    expect(points[0]!.Sum).toBeCloseTo(190 * 0.1 + 10 * 1.5, 9);
    expect(points[1]).toMatchObject({
      Timestamp: (T0 + MINUTE) / 1000,
      Sum: 0.3,
      ExtendedStatistics: { p99: 0.3 },
    });
  }, 60_000);

  it('an unknown alarm exits non-zero with ResourceNotFound', async () => {
    const result = await aws(
      'set-alarm-state',
      '--alarm-name',
      'nope',
      '--state-value',
      'OK',
      '--state-reason',
      'x',
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('(ResourceNotFound)');
  }, 60_000);
});
