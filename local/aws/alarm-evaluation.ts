// CloudWatch's rules for evaluating a metric alarm, as plain functions over data (no I/O).
//
// Sources, quoted below where each rule is applied:
//   [E] "Alarm evaluation" / "Evaluating an alarm",
//       https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-evaluation.html
//   [M] "Configuring how CloudWatch alarms treat missing data",
//       https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarms-and-missing-data.html
//   [K] AWS Knowledge Center, "Why did my CloudWatch alarm send me a notification after a single
//       breached data point?", https://repost.aws/knowledge-center/cloudwatch-alarm-single-data-point
//   [B] "Alarm events and EventBridge" (reason and reasonData wording),
//       https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
//
// The settings [E]:
//   - "Period is the length of time to use to evaluate the metric or expression to create each
//     individual data point for an alarm."
//   - "Evaluation Periods is the number of the most recent periods, or data points, to evaluate
//     when determining alarm state."  (N)
//   - "Datapoints to Alarm is the number of data points within the Evaluation Periods that must be
//     breaching to cause the alarm to go to the ALARM state. The breaching data points do not have
//     to be consecutive."  (M; PutMetricAlarm defaults it to N)
//
// The evaluation range [M]: "CloudWatch attempts to retrieve a higher number of data points than
// specified by Evaluation Periods … The timeframe of the data points that it attempts to retrieve
// is the evaluation range." Its exact length is not documented; the documented examples retrieve
// 5 data points for N = 3, so this module's callers fetch N + 2 periods (evaluationRangeLength).
//
// Every function here takes that range, oldest first; a period without data is `value: undefined`.

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export const COMPARISON_OPERATORS = [
  'GreaterThanOrEqualToThreshold',
  'GreaterThanThreshold',
  'LessThanThreshold',
  'LessThanOrEqualToThreshold',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

/** The anomaly-detection operators: PutMetricAlarm accepts them on AWS; the local cloud rejects them. */
export const BAND_OPERATORS = [
  'LessThanLowerOrGreaterThanUpperThreshold',
  'LessThanLowerThreshold',
  'GreaterThanUpperThreshold',
] as const;

export const TREAT_MISSING_DATA = ['missing', 'ignore', 'breaching', 'notBreaching'] as const;
export type TreatMissingData = (typeof TREAT_MISSING_DATA)[number];

export interface AlarmRule {
  periodSeconds: number;
  /** N */
  evaluationPeriods: number;
  /** M, 1 ≤ M ≤ N */
  datapointsToAlarm: number;
  comparisonOperator: ComparisonOperator;
  threshold: number;
  treatMissingData: TreatMissingData;
  /** Shown in reasonData for single-metric alarms (`statistic`), absent for metric math. */
  statistic?: string;
}

export interface Datapoint {
  /** Start of the period, ms since the epoch. */
  timestamp: number;
  /** undefined: no data in this period. */
  value?: number;
  sampleCount?: number;
}

export interface EvaluatedDatapoint {
  timestamp: string;
  sampleCount?: number;
  value?: number;
}

/** The `StateReasonData` document AWS attaches to a threshold evaluation [B]. */
export interface ReasonData {
  version: '1.0';
  queryDate: string;
  startDate: string;
  statistic?: string;
  period: number;
  recentDatapoints: number[];
  threshold: number;
  evaluatedDatapoints: EvaluatedDatapoint[];
}

export interface AlarmEvaluation {
  /** The state the alarm should be in now; equal to the current state when nothing changes. */
  state: AlarmState;
  /** True when TreatMissingData `ignore` kept the current state (nothing was decided). */
  retained: boolean;
  reason: string;
  reasonData: ReasonData;
}

/** How many periods to fetch for an alarm of N evaluation periods (see the header). */
export function evaluationRangeLength(evaluationPeriods: number): number {
  return evaluationPeriods + 2;
}

export function breaches(operator: ComparisonOperator, value: number, threshold: number): boolean {
  switch (operator) {
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
  }
}

type Slot = { kind: 'real'; point: Datapoint & { value: number }; breaching: boolean } | { kind: 'filled' };

/**
 * Evaluates one alarm over its evaluation range (oldest first) at `now` (ms).
 *
 * The rules, all from [M] unless marked:
 * 1. "If no data points in the evaluation range are missing, CloudWatch evaluates the alarm based
 *    on the most recent data points collected."
 * 2. "If some data points in the evaluation range are missing, but the number of existing data
 *    points retrieved is equal to or more than the alarm's Evaluation Periods, CloudWatch evaluates
 *    the alarm state based on the most recent existing data points that were successfully
 *    retrieved. In this case, the value you set for how to treat missing data is not needed and is
 *    ignored."
 * 3. "If some data points in the evaluation range are missing, and the number of existing data
 *    points that were retrieved is lower than the alarm's number of evaluation periods, CloudWatch
 *    fills in the missing data points with the result you specified for how to treat missing data
 *    … any real data points in the evaluation range, no matter when they were reported, are
 *    included in the evaluation. CloudWatch uses missing data points only as few times as
 *    possible." — `breaching` fills with breaching points, `notBreaching` with good ones.
 * 4. "In all of these situations, the number of datapoints evaluated is equal to the value of
 *    Evaluation Periods. If fewer than the value of Datapoints to Alarm are breaching, the alarm
 *    state is set to OK. Otherwise, the state is set to ALARM."
 * 5. `missing` and `ignore` do not fill: with no data at all, `missing` goes to INSUFFICIENT_DATA
 *    and `ignore` keeps ("Retain current state") the current state; with some data, a non-breaching
 *    point decides OK (table rows "0 - - - -", "0 - X - -", "- - - - 0"), M breaching points decide
 *    ALARM, and only breaching points, fewer than M, decide nothing: INSUFFICIENT_DATA for
 *    `missing`, the current state for `ignore` (row "- - - - X").
 * 6. Avoiding premature transitions, for `missing` only (row "X - - - -" is ALARM for MISSING and
 *    "Retain current state" for IGNORE): [K] "When all data points are missing except one breaching
 *    data point, your alarm goes into ALARM state. This happens when the oldest available breaching
 *    data point in the alarm's evaluation range is at least as old as the value of Datapoints to
 *    Alarm, and all other more recent data points are breaching or missing."
 */
export function evaluateAlarm(
  rule: AlarmRule,
  currentState: AlarmState,
  range: readonly Datapoint[],
  now: number,
): AlarmEvaluation {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const real = range.filter((p): p is Datapoint & { value: number } => p.value !== undefined);
  const evaluated: Slot[] = real
    .slice(-n)
    .reverse()
    .map((point) => ({
      kind: 'real' as const,
      point,
      breaching: breaches(rule.comparisonOperator, point.value, rule.threshold),
    }));
  const missingCount = n - evaluated.length;
  const filled: Slot[] = Array.from({ length: missingCount }, () => ({ kind: 'filled' as const }));
  const realBreaching = evaluated.filter((s) => s.kind === 'real' && s.breaching).length;
  const realGood = evaluated.length - realBreaching;
  const data = (slots: Slot[]) => reasonData(rule, range, slots, now);
  const slots = [...evaluated, ...filled];

  // Rules 1, 2 and 4: enough real datapoints; TreatMissingData is not consulted.
  if (missingCount === 0) return threshold(rule, evaluated, 0, data(slots));

  switch (rule.treatMissingData) {
    case 'breaching':
    case 'notBreaching':
      // Rule 3: fill as few missing datapoints as needed to make N.
      return threshold(rule, evaluated, missingCount, data(slots));
    case 'missing':
    case 'ignore': {
      if (realBreaching >= m || realGood > 0) return threshold(rule, evaluated, 0, data(slots));
      if (rule.treatMissingData === 'missing' && evaluated.length > 0) {
        // Rule 6: the oldest breaching datapoint is at least M periods old (1 = the newest period).
        const oldest = real[0]!;
        const age = range.length - range.indexOf(oldest);
        if (age >= m) return threshold(rule, evaluated, 0, data(slots), true);
      }
      if (rule.treatMissingData === 'ignore') {
        return {
          state: currentState,
          retained: true,
          reason: `Retained: ${plural(missingCount, 'datapoint')} ${missingCount === 1 ? 'was' : 'were'} missing and missing data is ignored.`,
          reasonData: data(slots),
        };
      }
      return {
        state: 'INSUFFICIENT_DATA',
        retained: false,
        reason: `Insufficient Data: ${plural(missingCount, 'datapoint')} ${missingCount === 1 ? 'was' : 'were'} unknown.`,
        reasonData: data(slots),
      };
    }
  }
}

/** Rule 4 over the real datapoints plus `fill` missing ones treated per TreatMissingData. */
function threshold(
  rule: AlarmRule,
  evaluated: Slot[],
  fill: number,
  reasonData: ReasonData,
  premature = false,
): AlarmEvaluation {
  const n = rule.evaluationPeriods;
  const m = rule.datapointsToAlarm;
  const fillBreaching = rule.treatMissingData === 'breaching' ? fill : 0;
  const real = evaluated.filter((s): s is Extract<Slot, { kind: 'real' }> => s.kind === 'real');
  const breaching = real.filter((s) => s.breaching);
  const alarm = premature || breaching.length + fillBreaching >= m;
  const state: AlarmState = alarm ? 'ALARM' : 'OK';
  const op = OPERATOR_TEXT[rule.comparisonOperator];
  const shown = alarm ? breaching : real.filter((s) => !s.breaching);
  const treatedAs = fill === 0 ? '' : rule.treatMissingData === 'breaching' ? 'Breaching' : 'NonBreaching';

  if (real.length === 0) {
    // Every evaluated datapoint was filled in.
    const reason =
      `Threshold Crossed: no datapoints were received for ${plural(n, 'period')} and ` +
      `${plural(fill, 'missing datapoint')} ${fill === 1 ? 'was' : 'were'} treated as [${treatedAs}].`;
    return { state, retained: false, reason, reasonData };
  }
  const minimum = alarm ? m : n - m + 1;
  const points = shown
    .map((s) => `${javaDouble(s.point.value)} (${reasonDate(s.point.timestamp)})`)
    .join(', ');
  const filledNote =
    fill === 0
      ? ''
      : ` and ${plural(fill, 'missing datapoint')} ${fill === 1 ? 'was' : 'were'} treated as [${treatedAs}]`;
  const reason =
    `Threshold Crossed: ${shown.length} out of the last ${n} datapoints [${points}] ` +
    `${shown.length === 1 ? 'was' : 'were'} ${alarm ? '' : 'not '}${op} the threshold (${javaDouble(rule.threshold)})` +
    `${filledNote} (minimum ${plural(minimum, 'datapoint')} for ${alarm ? 'OK -> ALARM' : 'ALARM -> OK'} transition).`;
  return { state, retained: false, reason, reasonData };
}

const OPERATOR_TEXT: Record<ComparisonOperator, string> = {
  GreaterThanThreshold: 'greater than',
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  LessThanThreshold: 'less than',
  LessThanOrEqualToThreshold: 'less than or equal to',
};

function reasonData(rule: AlarmRule, range: readonly Datapoint[], slots: Slot[], now: number): ReasonData {
  const real = slots.flatMap((s) => (s.kind === 'real' ? [s.point] : []));
  const oldest = real.at(-1)?.timestamp ?? range[0]?.timestamp ?? now;
  const newestMissing = range.filter((p) => p.value === undefined).reverse();
  let missingIndex = 0;
  const evaluatedDatapoints: EvaluatedDatapoint[] = slots.map((slot) => {
    if (slot.kind === 'real') {
      const { point } = slot;
      return {
        timestamp: reasonDataDate(point.timestamp),
        ...(point.sampleCount === undefined ? {} : { sampleCount: point.sampleCount }),
        value: point.value,
      };
    }
    const missing = newestMissing[missingIndex++];
    return { timestamp: reasonDataDate(missing?.timestamp ?? now) };
  });
  return {
    version: '1.0',
    queryDate: reasonDataDate(now),
    startDate: reasonDataDate(oldest),
    ...(rule.statistic === undefined ? {} : { statistic: rule.statistic }),
    period: rule.periodSeconds,
    recentDatapoints: [...real].reverse().map((p) => p.value),
    threshold: rule.threshold,
    evaluatedDatapoints,
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `dd/MM/yy HH:mm:ss` in UTC, as in AWS's reasons: `99.5 (02/10/19 16:59:00)`. */
export function reasonDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCFullYear() % 100)} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** `2019-10-02T17:04:40.985+0000`, the timestamp format of reasonData, events and history data. */
export function reasonDataDate(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/**
 * A double as Java's Double.toString writes it (AWS's reasons and JSON show `50.0`, `45628.0`,
 * `0.0666851903306472`): plain notation with at least one decimal for 1e-3 ≤ |x| < 1e7, otherwise
 * computerized scientific notation (`1.0E7`, `2.5E-4`).
 */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '', exponent = ''] = value.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** Keys whose numbers are integers in AWS's JSON (everything else is a double). */
const INTEGER_KEYS = new Set(['period', 'evaluationPeriods', 'datapointsToAlarm']);

/** JSON with numbers written as Java doubles, as AWS writes StateReasonData and HistoryData. */
export function javaJson(value: unknown, key = ''): string {
  if (typeof value === 'number') return INTEGER_KEYS.has(key) ? String(Math.trunc(value)) : javaDouble(value);
  if (Array.isArray(value)) return `[${value.map((item) => javaJson(item, key)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, inner]) => inner !== undefined);
    return `{${entries.map(([k, inner]) => `${JSON.stringify(k)}:${javaJson(inner, k)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
