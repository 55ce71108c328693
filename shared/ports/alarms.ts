// Port for CloudWatch alarms. Adapter: shared/aws/cloudwatch-alarm-watch.ts.

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmWatch {
  /** The names, among `alarmNames`, of alarms now in the ALARM state. */
  firing(alarmNames: readonly string[]): Promise<string[]>;
  /** The state of each alarm, for status views; a missing alarm is left out. */
  states(alarmNames: readonly string[]): Promise<Record<string, AlarmState>>;
}
