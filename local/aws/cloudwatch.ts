// The local Amazon CloudWatch: metric data, metric alarms evaluated with AWS's rules on the
// simulated clock, alarm history, and the EventBridge events of alarm state changes. Served as
// AWS JSON 1.0 (`GraniteServiceVersion20100801`, query-compatible errors), which both the SDK v3
// and botocore (the AWS CLI) prefer for CloudWatch. Operations and shapes follow the CloudWatch
// API reference, https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/.
//
// The simulated world calls `record` to publish metrics (it may use AWS/ namespaces, which
// PutMetricData refuses) and `evaluate` on every tick; `snapshot`/`restore` keep alarms, their
// states and history (and the metric data) across a restart.

import type { SimClock } from '../clock.js';
import { evaluateAlarm, javaJson, type AlarmState } from './alarm-evaluation.js';
import {
  configHistoryData,
  stateChangeEvent,
  stateHistoryData,
  type AlarmStateChangeEvent,
} from './cloudwatch-alarm-events.js';
import {
  alarmPeriodOf,
  alarmRule,
  describeAlarm,
  evaluationRange,
  parseAlarmConfig,
  type AlarmRecord,
  type AlarmStatus,
} from './cloudwatch-alarms.js';
import {
  decodeToken,
  encodeToken,
  invalidCombination,
  invalidValue,
  list,
  missingParameter,
  num,
  requiredStr,
  str,
  type Input,
} from './cloudwatch-input.js';
import { AlarmHistory, type HistoryItem } from './cloudwatch-history.js';
import { getMetricData, getMetricStatistics, putMetricData } from './cloudwatch-metrics.js';
import { MetricStore, type Dimensions, type MetricStoreSnapshot, type MetricValues } from './metric-store.js';
import type { LocalService } from './service.js';
import { AwsError } from '../errors.js';

export type { AlarmStateChangeEvent } from './cloudwatch-alarm-events.js';

export interface LocalCloudWatchOptions {
  clock: SimClock;
  region: string;
  account: string;
  /** Called with the EventBridge event of every alarm state change. */
  onStateChange?: (event: AlarmStateChangeEvent) => void;
  /** How much simulated time of metric data each series keeps (default 3 hours). */
  retentionMs?: number;
  /** At most this many alarms (LimitExceeded beyond; default 5000, AWS's former quota). */
  alarmLimit?: number;
}

export interface CloudWatchSnapshot {
  version: 1;
  alarms: AlarmRecord[];
  history: HistoryItem[];
  metrics?: MetricStoreSnapshot;
}

const STATES: readonly AlarmState[] = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];

export class LocalCloudWatch {
  readonly service: LocalService;
  readonly metrics: MetricStore;
  private readonly clock: SimClock;
  private readonly where: { account: string; region: string };
  private readonly onStateChange: ((event: AlarmStateChangeEvent) => void) | undefined;
  private readonly alarmLimit: number;
  private alarms = new Map<string, AlarmRecord>();
  private history = new AlarmHistory();

  constructor(options: LocalCloudWatchOptions) {
    this.clock = options.clock;
    this.where = { account: options.account, region: options.region };
    this.onStateChange = options.onStateChange;
    this.alarmLimit = options.alarmLimit ?? 5000;
    this.metrics = new MetricStore({ retentionMs: options.retentionMs });
    const metrics = this.metrics;
    const now = () => this.clock.now();
    this.service = {
      name: 'monitoring',
      operations: {
        PutMetricAlarm: (input) => this.putMetricAlarm(input),
        DescribeAlarms: (input) => this.describeAlarms(input),
        DeleteAlarms: (input) => this.deleteAlarms(input),
        SetAlarmState: (input) => this.setAlarmState(input),
        DescribeAlarmHistory: (input) => this.history.describe(input),
        PutMetricData: (input) => putMetricData(metrics, input, now()),
        GetMetricData: (input) => getMetricData(metrics, input),
        GetMetricStatistics: (input) => getMetricStatistics(metrics, input),
      },
    };
  }

  /** Publishes metric data from the simulated world (any namespace, including AWS/…). */
  record(
    namespace: string,
    name: string,
    dimensions: Dimensions,
    timestampMs: number,
    values: MetricValues,
    unit?: string,
  ): void {
    this.metrics.record(namespace, name, dimensions, timestampMs, values, unit);
  }

  /**
   * Evaluates every alarm with a period completed since its last evaluation, over complete periods
   * only, at the simulated now. Returns the state change events (also given to onStateChange).
   */
  evaluate(): AlarmStateChangeEvent[] {
    const now = this.clock.now();
    const events: AlarmStateChangeEvent[] = [];
    for (const record of [...this.alarms.values()]) {
      const periodMs = alarmPeriodOf(record.config) * 1000;
      const end = Math.floor(now / periodMs) * periodMs;
      if (record.evaluatedThrough !== undefined && end <= record.evaluatedThrough) continue;
      record.evaluatedThrough = end;
      const { datapoints, lowSampleCount } = evaluationRange(this.metrics, record.config, end);
      // EvaluateLowSampleCountPercentile=ignore: "the alarm state does not change during periods
      // with too few data points to be statistically significant".
      if (lowSampleCount) continue;
      const result = evaluateAlarm(alarmRule(record.config), record.state.value, datapoints, now);
      if (result.state === record.state.value) continue;
      events.push(
        this.transition(record, {
          value: result.state,
          reason: result.reason,
          reasonData: javaJson(result.reasonData),
          updatedAt: now,
          transitionedAt: now,
        }),
      );
    }
    this.deliver(events);
    return events;
  }

  snapshot(options: { metrics?: boolean } = {}): CloudWatchSnapshot {
    return structuredClone({
      version: 1,
      alarms: [...this.alarms.values()],
      history: this.history.items(),
      ...(options.metrics === false ? {} : { metrics: this.metrics.snapshot() }),
    });
  }

  /** JSON.stringify(snapshot({ metrics: false })), without the copy: the metric data is saved apart. */
  snapshotText(): string {
    return JSON.stringify({ version: 1, alarms: [...this.alarms.values()], history: this.history.items() });
  }

  /**
   * Replaces every alarm, history item (and metric data, if the snapshot has it) with a snapshot's;
   * a snapshot that cannot be read is refused, and nothing changes.
   */
  restore(data: unknown): void {
    const snapshot = data as Partial<CloudWatchSnapshot> | null;
    if (snapshot === null || typeof snapshot !== 'object' || snapshot.version !== 1) {
      throw new Error(
        'Not a LocalCloudWatch snapshot (version 1): start with an empty data folder or fix the file.',
      );
    }
    if (!Array.isArray(snapshot.alarms) || !Array.isArray(snapshot.history)) {
      throw new Error('The LocalCloudWatch snapshot has no alarms or history list.');
    }
    const copy = structuredClone(snapshot) as CloudWatchSnapshot;
    // The metrics first: a snapshot they cannot be read from is refused before anything changes.
    if (copy.metrics !== undefined) this.metrics.restore(copy.metrics);
    this.alarms = new Map(copy.alarms.map((record) => [record.config.AlarmName, record]));
    this.history = new AlarmHistory(copy.history);
  }

  // ------------------------------------------------------------------------------- operations

  private putMetricAlarm(input: Input): Record<string, never> {
    const config = parseAlarmConfig(input);
    const now = this.clock.now();
    const existing = this.alarms.get(config.AlarmName);
    if (existing === undefined && this.alarms.size >= this.alarmLimit) {
      throw new AwsError(
        'LimitExceeded',
        `The quota for alarms for this customer has already been reached (${this.alarmLimit} alarms).`,
      );
    }
    // "When you update an existing alarm, its state is left unchanged, but the update completely
    // overwrites the previous configuration of the alarm." (PutMetricAlarm)
    const record: AlarmRecord = {
      config,
      arn: `arn:aws:cloudwatch:${this.where.region}:${this.where.account}:alarm:${config.AlarmName}`,
      configUpdatedAt: now,
      metricId: existing?.metricId ?? crypto.randomUUID(),
      state: existing?.state ?? {
        value: 'INSUFFICIENT_DATA',
        reason: 'Unchecked: Initial alarm creation',
        updatedAt: now,
        transitionedAt: now,
      },
    };
    this.alarms.set(config.AlarmName, record);
    const name = config.AlarmName;
    this.history.add(
      name,
      'ConfigurationUpdate',
      now,
      `Alarm "${name}" ${existing === undefined ? 'created' : 'updated'}`,
      configHistoryData(existing === undefined ? 'Create' : 'Update', record, existing),
    );
    return {};
  }

  private describeAlarms(input: Input): Record<string, unknown> {
    const names = list<string>(input, 'AlarmNames', 100);
    const prefix = str(input, 'AlarmNamePrefix', { max: 255 });
    if (names.length > 0 && prefix !== undefined) {
      throw invalidCombination('AlarmNames and AlarmNamePrefix cannot be used together.');
    }
    const state = str(input, 'StateValue');
    if (state !== undefined && !STATES.includes(state as AlarmState)) {
      throw invalidValue(`The value ${state} for parameter StateValue is not valid.`);
    }
    const types = list<string>(input, 'AlarmTypes');
    for (const type of types) {
      if (type !== 'MetricAlarm' && type !== 'CompositeAlarm') {
        throw invalidValue(`The value ${type} for parameter AlarmTypes is not valid.`);
      }
    }
    const actionPrefix = str(input, 'ActionPrefix');
    const maxRecords = num(input, 'MaxRecords', { integer: true, min: 1, max: 100 }) ?? 50;
    const after = decodeToken(str(input, 'NextToken'));
    // Composite alarms are not simulated; their relationships select none.
    const relational = input.ChildrenOfAlarmName !== undefined || input.ParentsOfAlarmName !== undefined;
    const wanted = new Set(names);
    const metricAlarms =
      relational || (types.length > 0 && !types.includes('MetricAlarm'))
        ? []
        : [...this.alarms.values()]
            .filter((r) => names.length === 0 || wanted.has(r.config.AlarmName))
            .filter((r) => prefix === undefined || r.config.AlarmName.startsWith(prefix))
            .filter((r) => state === undefined || r.state.value === state)
            .filter(
              (r) =>
                actionPrefix === undefined ||
                [...r.config.OKActions, ...r.config.AlarmActions, ...r.config.InsufficientDataActions].some(
                  (a) => a.startsWith(actionPrefix),
                ),
            )
            .sort((a, b) => compare(a.config.AlarmName, b.config.AlarmName))
            .filter((r) => after === undefined || compare(r.config.AlarmName, after) > 0);
    const page = metricAlarms.slice(0, maxRecords);
    return {
      MetricAlarms: page.map(describeAlarm),
      CompositeAlarms: [],
      NextToken: metricAlarms.length > page.length ? encodeToken(page.at(-1)!.config.AlarmName) : undefined,
    };
  }

  private deleteAlarms(input: Input): Record<string, never> {
    const names = list<string>(input, 'AlarmNames', 100);
    if (names.length === 0) throw missingParameter('AlarmNames');
    // "If you specify an incorrect alarm name or make any other error in the operation, no alarms
    // are deleted." (DeleteAlarms)
    const missing = names.filter((name) => !this.alarms.has(name));
    if (missing.length > 0) {
      throw new AwsError(
        'ResourceNotFound',
        `Alarm${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not found`,
        404,
      );
    }
    const now = this.clock.now();
    for (const name of new Set(names)) {
      const record = this.alarms.get(name)!;
      this.alarms.delete(name);
      this.history.add(
        name,
        'ConfigurationUpdate',
        now,
        `Alarm "${name}" deleted`,
        configHistoryData('Delete', record),
      );
    }
    return {};
  }

  /** "This temporary state change lasts only until the next alarm comparison occurs." */
  private setAlarmState(input: Input): Record<string, never> {
    const name = requiredStr(input, 'AlarmName', 255);
    const value = requiredStr(input, 'StateValue') as AlarmState;
    if (!STATES.includes(value)) {
      throw invalidValue(`The value ${value} for parameter StateValue is not valid.`);
    }
    const reason = str(input, 'StateReason', { required: true, max: 1023 }) ?? '';
    const reasonData = str(input, 'StateReasonData', { max: 4000 });
    if (reasonData !== undefined) {
      try {
        JSON.parse(reasonData);
      } catch {
        throw new AwsError('InvalidFormat', 'StateReasonData was not syntactically valid JSON.');
      }
    }
    const record = this.alarms.get(name);
    if (record === undefined) throw new AwsError('ResourceNotFound', `Alarm ${name} not found`, 404);
    const now = this.clock.now();
    const status: AlarmStatus = {
      value,
      reason,
      ...(reasonData === undefined ? {} : { reasonData }),
      updatedAt: now,
      transitionedAt: value === record.state.value ? record.state.transitionedAt : now,
    };
    if (value === record.state.value) {
      record.state = status;
      return {};
    }
    this.deliver([this.transition(record, status)]);
    return {};
  }

  // ----------------------------------------------------------------------------------- helpers

  /** Moves the alarm to `status`, records the StateUpdate history item, and builds the event. */
  private transition(record: AlarmRecord, status: AlarmStatus): AlarmStateChangeEvent {
    const previous = record.state;
    record.state = status;
    this.history.add(
      record.config.AlarmName,
      'StateUpdate',
      status.updatedAt,
      `Alarm updated from ${previous.value} to ${status.value}`,
      stateHistoryData(previous, status),
    );
    return stateChangeEvent(record, previous, this.where);
  }

  /** Gives every event to onStateChange; a listener's failure is rethrown after all are delivered. */
  private deliver(events: AlarmStateChangeEvent[]): void {
    if (this.onStateChange === undefined) return;
    const failures: unknown[] = [];
    for (const event of events) {
      try {
        this.onStateChange(event);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1)
      throw new AggregateError(failures, 'onStateChange failed for several alarm events');
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
