// Port for the schedule that ends a healthy bake: at the bake's end it answers the bake's
// task token with success. Adapter: shared/aws/scheduler-bake-schedules.ts.

export interface BakeSchedule {
  deploymentId: string;
  token: string;
}

export interface BakeSchedules {
  /** Arranges for `token` to succeed at `endsAt` (ms). Safe to call again for the same bake. */
  schedule(bake: BakeSchedule & { endsAt: number }): Promise<void>;
  /** Cancels it. One that already fired, or was never made, is not an error. */
  cancel(bake: BakeSchedule): Promise<void>;
}
