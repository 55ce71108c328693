// Port for lifecycle hooks: a Lambda function the service owner provides, run at
// one of CodeDeploy's points. Adapter: shared/aws/lambda-hook-runner.ts.

export interface HookEvent {
  deploymentId: string;
  service: string;
  hook: string;
  image: string;
  /** Where test traffic reaches the new task set, when a test listener is configured. */
  testListenerRule?: string | undefined;
}

export interface HookResult {
  status: 'Succeeded' | 'Failed';
  message?: string | undefined;
}

export interface HookRunner {
  /** Runs the hook and reports its verdict; a function error counts as Failed. */
  run(functionName: string, event: HookEvent): Promise<HookResult>;
}
