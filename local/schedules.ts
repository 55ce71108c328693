// The scheduled functions of serverless.yml, run on the local cloud's simulated clock:
// drift detection every 15 minutes and orphan recovery every 5, each also once at start
// (where a restart finds the executions it cut short). On AWS an execution that ends also
// triggers recovery at once; the local Step Functions emits no such event. A run that is
// still going is never started twice. A service that fails again and again is logged once,
// then with a count (repeated-errors.ts).

import type { LocalFunctions } from './functions.js';
import type { RepeatedErrors } from './repeated-errors.js';

interface Schedule {
  name: 'check-drift' | 'recover-orphans';
  intervalMs: number;
  last: number;
  running: boolean;
}

export class LocalSchedules {
  private readonly schedules: Schedule[] = [
    { name: 'check-drift', intervalMs: 15 * 60_000, last: Number.NEGATIVE_INFINITY, running: false },
    { name: 'recover-orphans', intervalMs: 5 * 60_000, last: Number.NEGATIVE_INFINITY, running: false },
  ];

  constructor(
    private readonly functions: LocalFunctions,
    private readonly log: (line: string) => void,
    private readonly failures: Pick<RepeatedErrors, 'report'>,
  ) {}

  /** Starts each function whose interval has passed since its last run. */
  runDue(now: number): void {
    for (const schedule of this.schedules) {
      if (schedule.running || now - schedule.last < schedule.intervalMs) continue;
      schedule.last = now;
      schedule.running = true;
      void this.functions
        .resolve(schedule.name)(
          { source: 'aws.events', 'detail-type': 'Scheduled Event' },
          { functionName: schedule.name },
        )
        .then((result) => this.report(schedule.name, result))
        .catch((error: unknown) => this.failures.report(`${schedule.name} failed`, error))
        .finally(() => (schedule.running = false));
    }
  }

  private report(name: string, result: unknown): void {
    type Line = { service: string; action: string; message: string };
    const { recoveries, failed } = (result ?? {}) as { recoveries?: Line[]; failed?: Line[] };
    for (const r of recoveries ?? []) this.log(`${name}: ${r.service} ${r.action}: ${r.message}`);
    for (const r of failed ?? []) this.failures.report(`${name}: ${r.service} ${r.action}`, r.message);
  }
}
