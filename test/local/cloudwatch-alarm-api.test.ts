// The local CloudWatch's alarm API as the production code uses it: SetAlarmState and
// DescribeAlarms paging seen through the production CloudWatchAlarmWatch adapter, the errors it
// answers with the exception classes the SDK v3 models, and the limit on how many alarms exist.

import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  InvalidParameterValueException,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
  ValidationException,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { LocalCloudWatch } from '../../local/aws/cloudwatch.js';
import { createAwsServer } from '../../local/aws/server.js';
import { CloudWatchAlarmWatch } from '../../shared/aws/cloudwatch-alarm-watch.js';
import { ResourceNotFound as DomainResourceNotFound } from '../../shared/aws/errors.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';
import { ACCOUNT, errorRateAlarm, useCloudWatchWorld } from '../support/cloudwatch-fixture.js';

describe('LocalCloudWatch over AWS JSON 1.0 with the SDK v3', () => {
  const world = useCloudWatchWorld();
  const { at, traffic, route } = world;

  it('SetAlarmState holds until the next evaluation, and the production adapter sees it', async () => {
    await world.client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'web-a' }));
    await world.client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'web-b' }));
    traffic(0, 100, 0);
    at(1);
    const watch = new CloudWatchAlarmWatch(world.client);
    await expect(watch.firing(['web-a', 'web-b'])).resolves.toEqual([]);

    await world.client.send(
      new SetAlarmStateCommand({ AlarmName: 'web-b', StateValue: 'ALARM', StateReason: 'drill' }),
    );
    expect(world.events.at(-1)?.detail).toMatchObject({
      alarmName: 'web-b',
      state: { value: 'ALARM', reason: 'drill' },
    });
    expect(world.cw.evaluate()).toEqual([]); // same minute: no comparison yet
    await expect(watch.firing(['web-a', 'web-b'])).resolves.toEqual(['web-b']);

    traffic(1, 100, 0);
    expect(at(2).map((e) => [e.detail.alarmName, e.detail.state.value])).toEqual([['web-b', 'OK']]);
    await expect(watch.firing(['web-b'])).resolves.toEqual([]);

    await expect(watch.firing(['web-a', 'no-such-alarm'])).rejects.toBeInstanceOf(DomainResourceNotFound);
  });

  it('pages DescribeAlarms with NextToken, which the adapter follows for 120 alarms', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    for (const name of names)
      await world.client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: name }));
    const first = await world.client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'alarm-' }));
    expect(first.MetricAlarms).toHaveLength(50);
    expect(first.NextToken).toBeDefined();
    const second = await world.client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'alarm-', NextToken: first.NextToken }),
    );
    expect(second.MetricAlarms?.[0]?.AlarmName).toBe('alarm-050');

    for (const name of ['alarm-007', 'alarm-119']) {
      await world.client.send(
        new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }),
      );
    }
    const watch = new CloudWatchAlarmWatch(world.client);
    await expect(watch.firing(names)).resolves.toEqual(['alarm-007', 'alarm-119']);

    const inAlarm = await world.client.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['alarm-007', 'alarm-119']);
    const composite = await world.client.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }));
    expect(composite.MetricAlarms).toEqual([]);
  });

  it('answers errors with the exception classes the SDK models', async () => {
    await expect(
      world.client.send(
        new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' }),
      ),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(world.client.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] }))).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
    await expect(
      world.client.send(
        new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'CPU', Value: 1 }] }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(
      world.client.send(
        new PutMetricAlarmCommand({ ...errorRateAlarm, ComparisonOperator: 'GreaterThanUpperThreshold' }),
      ),
    ).rejects.toThrow(/anomaly detection alarms/);
    await expect(
      world.client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, DatapointsToAlarm: 4 })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    const [rate, ...metrics] = errorRateAlarm.Metrics!;
    const unknownId = await world.client
      .send(
        new PutMetricAlarmCommand({
          ...errorRateAlarm,
          Metrics: [{ ...rate!, Expression: 'errors / nothing' }, ...metrics],
        }),
      )
      .catch((error: unknown) => error);
    expect(unknownId).toBeInstanceOf(ValidationException);
    expect((unknownId as Error).message).toContain('Unknown id nothing');
    await expect(
      world.client.send(new DescribeAlarmsCommand({ NextToken: 'not-a-token' })),
    ).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });

  it('refuses alarms over the limit with LimitExceeded', async () => {
    const cw = new LocalCloudWatch({
      clock: world.clock,
      region: 'us-east-1',
      account: ACCOUNT,
      alarmLimit: 1,
    });
    const port = await freePort();
    const limited = createAwsServer({
      json: { GraniteServiceVersion20100801: { ...route, service: cw.service } },
      query: {},
    });
    await new Promise<void>((resolve) => limited.listen(port, '127.0.0.1', resolve));
    const other = new CloudWatchClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
    try {
      await other.send(new PutMetricAlarmCommand(errorRateAlarm));
      await other.send(new PutMetricAlarmCommand(errorRateAlarm)); // an update is not a new alarm
      await expect(
        other.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'second' })),
      ).rejects.toMatchObject({
        name: 'LimitExceededFault',
      });
    } finally {
      other.destroy();
      await new Promise<void>((resolve) => limited.close(() => resolve()));
    }
  });
});
