// Alarm history of the local CloudWatch (DescribeAlarmHistory). "CloudWatch preserves alarm
// history for two weeks" (of simulated time here), also for deleted alarms; the local cloud keeps
// at most 10,000 items besides.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html

import {
  decodeToken,
  encodeToken,
  invalidToken,
  invalidValue,
  list,
  num,
  str,
  timestamp,
  type Input,
} from './cloudwatch-input.js';

export type HistoryItemType = 'ConfigurationUpdate' | 'StateUpdate' | 'Action';

export interface HistoryItem {
  /** Order of recording; NextToken positions. */
  seq: number;
  AlarmName: string;
  AlarmType: 'MetricAlarm';
  /** ms since the epoch */
  Timestamp: number;
  HistoryItemType: HistoryItemType;
  HistorySummary: string;
  HistoryData: string;
}

const HISTORY_ITEM_TYPES: readonly string[] = ['ConfigurationUpdate', 'StateUpdate', 'Action'];
const RETENTION_MS = 14 * 24 * 60 * 60 * 1000;
const LIMIT = 10_000;

export class AlarmHistory {
  private readonly history: HistoryItem[];
  private nextSeq: number;

  constructor(items: HistoryItem[] = []) {
    this.history = [...items].sort((a, b) => a.seq - b.seq);
    this.nextSeq = Math.max(0, ...this.history.map((h) => h.seq)) + 1;
  }

  items(): HistoryItem[] {
    return this.history;
  }

  add(name: string, type: HistoryItemType, at: number, summary: string, data: string): void {
    this.history.push({
      seq: this.nextSeq++,
      AlarmName: name,
      AlarmType: 'MetricAlarm',
      Timestamp: at,
      HistoryItemType: type,
      HistorySummary: summary,
      HistoryData: data,
    });
    const firstKept = this.history.findIndex((h) => h.Timestamp >= at - RETENTION_MS);
    if (firstKept > 0) this.history.splice(0, firstKept);
    if (this.history.length > LIMIT) this.history.splice(0, this.history.length - LIMIT);
  }

  /** DescribeAlarmHistory: newest first by default, filtered, paged by NextToken. */
  describe(input: Input): Record<string, unknown> {
    const name = str(input, 'AlarmName');
    const type = str(input, 'HistoryItemType');
    if (type !== undefined && !HISTORY_ITEM_TYPES.includes(type)) {
      throw invalidValue(`The value ${type} for parameter HistoryItemType is not valid.`);
    }
    const types = list<string>(input, 'AlarmTypes');
    const start = timestamp(input, 'StartDate');
    const end = timestamp(input, 'EndDate');
    const maxRecords = num(input, 'MaxRecords', { integer: true, min: 1, max: 100 }) ?? 100;
    const scanBy = str(input, 'ScanBy') ?? 'TimestampDescending';
    if (scanBy !== 'TimestampDescending' && scanBy !== 'TimestampAscending') {
      throw invalidValue(`The value ${scanBy} for parameter ScanBy is not valid.`);
    }
    const token = str(input, 'NextToken');
    const afterSeq = token === undefined ? undefined : Number(decodeToken(token));
    if (afterSeq !== undefined && !Number.isInteger(afterSeq)) throw invalidToken();
    const descending = scanBy === 'TimestampDescending';
    const items = this.history
      .filter((h) => name === undefined || h.AlarmName === name)
      .filter((h) => type === undefined || h.HistoryItemType === type)
      .filter((h) => types.length === 0 || types.includes(h.AlarmType))
      .filter(
        (h) => (start === undefined || h.Timestamp >= start) && (end === undefined || h.Timestamp <= end),
      )
      .sort((a, b) => (descending ? b.seq - a.seq : a.seq - b.seq))
      .filter((h) => afterSeq === undefined || (descending ? h.seq < afterSeq : h.seq > afterSeq));
    const page = items.slice(0, maxRecords);
    return {
      AlarmHistoryItems: page.map(({ seq: _seq, Timestamp, ...rest }) => ({
        ...rest,
        Timestamp: new Date(Timestamp),
      })),
      NextToken: items.length > page.length ? encodeToken(String(page.at(-1)!.seq)) : undefined,
    };
  }
}
