// Port for CloudWatch alarms. Adapter: shared/aws/cloudwatch-alarm-watch.ts.

export interface AlarmWatch {
  /** The names, among `alarmNames`, of alarms now in the ALARM state. */
  firing(alarmNames: readonly string[]): Promise<string[]>;
}
