// Port for lifecycle hooks: a Lambda function the service owner provides, run at
// one of CodeDeploy's points. Adapter: shared/aws/lambda-hook-runner.ts.

import type { HookVerdict } from '../domain/hook-verdict.js';

export interface HookEvent {
  deploymentId: string;
  service: string;
  hook: string;
  image: string;
  /** Where test traffic reaches the new task set, when a test listener is configured. */
  testListenerRule?: string | undefined;
  /** What the hook answered with its last IN_PROGRESS, passed back as ECS passes it. */
  hookDetails?: Record<string, unknown> | undefined;
  /** The call checks the rollback that has just ended (the catalog's `afterRollback`). */
  afterRollback?: true | undefined;
}

/** The hook's verdict: the contracts it may answer in are read by shared/domain/hook-verdict.ts. */
export type HookResult = HookVerdict;

export interface HookRunner {
  /** Runs the hook and reports its verdict; a function error, or an answer in no contract, is Failed. */
  run(functionName: string, event: HookEvent): Promise<HookResult>;
}
