// AlarmWatch on Amazon CloudWatch: which of the watched alarms (metric or composite) are in
// ALARM right now. Used before shifting traffic and right after a bake stores its token.
// CloudWatch is reached by signed JSON 1.0 requests (json-requests.ts), not the SDK's client.

import type { AlarmState as PortAlarmState, AlarmWatch } from '../ports/alarms.js';
import { ResourceNotFound, translateTransient } from './errors.js';
import { CLOUDWATCH, jsonCalls, type JsonCalls } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

/** DescribeAlarms accepts at most 100 alarm names per call. */
const NAMES_PER_CALL = 100;

/** The fields of DescribeAlarms' answer read here. */
interface DescribeAlarmsOutput {
  MetricAlarms?: { AlarmName?: string; StateValue?: string }[];
  CompositeAlarms?: { AlarmName?: string; StateValue?: string }[];
  NextToken?: string;
}

interface AlarmState {
  name: string;
  state: string | undefined;
}

export class CloudWatchAlarmWatch implements AlarmWatch {
  private readonly cloudWatch: JsonCalls;

  /** CloudWatch's requests (clients.ts's cloudWatchRequests), or an SDK client to reach it as it would. */
  constructor(cloudWatch: JsonCalls | SdkClientLike) {
    this.cloudWatch = jsonCalls(CLOUDWATCH, cloudWatch, 'CLOUDWATCH');
  }

  async states(alarmNames: readonly string[]): Promise<Record<string, PortAlarmState>> {
    const states = await this.lookup([...new Set(alarmNames)]);
    return Object.fromEntries([...states].filter(([, s]) => s !== undefined)) as Record<
      string,
      PortAlarmState
    >;
  }

  async firing(alarmNames: readonly string[]): Promise<string[]> {
    const names = [...new Set(alarmNames)];
    const states = await this.lookup(names);
    const missing = names.filter((name) => !states.has(name));
    if (missing.length > 0) {
      throw new ResourceNotFound(
        `CloudWatch alarm(s) ${missing.map((name) => `"${name}"`).join(', ')} do not exist; a watched ` +
          'alarm that does not exist would never fire. Create them or remove them from the catalog.',
      );
    }
    return names.filter((name) => states.get(name) === 'ALARM');
  }

  private async lookup(names: string[]): Promise<Map<string, string | undefined>> {
    const states = new Map<string, string | undefined>();
    for (let start = 0; start < names.length; start += NAMES_PER_CALL) {
      for (const alarm of await this.describe(names.slice(start, start + NAMES_PER_CALL))) {
        states.set(alarm.name, alarm.state);
      }
    }
    return states;
  }

  /** The alarms, metric and composite, among `names`, following every page. */
  private async describe(names: string[]): Promise<AlarmState[]> {
    const alarms: AlarmState[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.describePage(names, nextToken);
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        if (alarm.AlarmName !== undefined) alarms.push({ name: alarm.AlarmName, state: alarm.StateValue });
      }
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return alarms;
  }

  private async describePage(names: string[], nextToken: string | undefined): Promise<DescribeAlarmsOutput> {
    try {
      return await this.cloudWatch.call<DescribeAlarmsOutput>('DescribeAlarms', {
        AlarmNames: names,
        // Without AlarmTypes, DescribeAlarms returns metric alarms only.
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
        // As many alarms per page as names per call (the default is 50), so one call answers.
        MaxRecords: NAMES_PER_CALL,
        NextToken: nextToken,
      });
    } catch (error) {
      return translateTransient(`DescribeAlarms for ${names.length} alarm(s)`, error);
    }
  }
}
