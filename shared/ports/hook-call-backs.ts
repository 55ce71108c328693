// Port for calling a lifecycle hook again: a hook that answers IN_PROGRESS (ECS's contract) is
// called again after the delay it asks for, by a one-time schedule that invokes Cutover's own
// run-hook function with the hook's task token. Adapter: shared/aws/scheduler-hook-call-backs.ts.

import type { HookName } from '../domain/catalog-schema.js';

/** What the schedule sends run-hook: enough to find the hook's wait on the deployment record. */
export interface HookCallBack {
  deploymentId: string;
  hook: HookName;
  token: string;
  /** The call it makes: 2 for the first call back. One schedule per call. */
  call: number;
}

export interface HookCallBacks {
  /** Arranges for run-hook (`functionArn`) to be invoked with `callBack` at `at` (ms). Safe to retry. */
  schedule(callBack: HookCallBack & { at: number; functionArn: string }): Promise<void>;
}
