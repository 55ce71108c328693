// The functions in functions/, built in this process and called the way Lambda calls them.
// Each is built by its module's `handlerFor` from the local cloud's own environment
// (handler-environment.ts): the same modules as on Lambda, which reads process.env instead,
// and nothing of the process's environment is read or changed, so every local cloud in a
// process has functions of its own that reach its own endpoint. Each call runs with the local
// cloud's clock and its function's credentials, given to that call alone.

import type { WaitingClock } from '../shared/ports/clock.js';
import { runWithClock } from '../shared/runtime/clock.js';
import type { Environment } from '../shared/runtime/env.js';
import { runWithCredentials, type InvocationCredentials } from '../shared/runtime/invocation-credentials.js';
import type { LocalFunction } from './stepfunctions/run.js';

/** Every function serverless.yml declares; a test keeps the two lists equal. */
export const FUNCTION_NAMES = [
  'validate-input',
  'acquire-lock',
  'check-alarms',
  'create-task-set',
  'check-task-set',
  'run-hook',
  'allow-test-traffic',
  'request-approval',
  'shift-traffic',
  'start-bake',
  'analyze',
  'scale-batch',
  'promote',
  'clean-up',
  'roll-back',
  'release-lock',
  'on-image-push',
  'on-alarm',
  'api',
  'check-drift',
  'recover-orphans',
] as const;

/** serverless.yml's `timeout` of the functions that set their own; the others have the provider's. */
const OWN_TIMEOUT_SECONDS: Partial<Record<(typeof FUNCTION_NAMES)[number], number>> = {
  'run-hook': 900,
  'roll-back': 120,
  'check-drift': 120,
  'recover-orphans': 300,
};
const PROVIDER_TIMEOUT_SECONDS = 30;

/** A function's timeout in seconds, as serverless.yml sets it (a test keeps the two equal). */
export function functionTimeoutSeconds(name: string): number {
  return OWN_TIMEOUT_SECONDS[name as (typeof FUNCTION_NAMES)[number]] ?? PROVIDER_TIMEOUT_SECONDS;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** What each module in functions/ exports besides Lambda's `handler`. */
interface FunctionModule {
  handlerFor(env: Environment): Handler;
}

export interface LocalFunctionsOptions {
  /** The clock the handlers read in each call (`processClock`): the local cloud's. */
  clock: WaitingClock;
  /** Each function's calls sign with the credentials of its own role, as on Lambda. */
  credentialsFor?: (name: string) => InvocationCredentials;
}

export class LocalFunctions {
  /** Each function, once built (build). */
  private built: ReadonlyMap<string, Handler> | undefined;
  /** Invocations in flight, so a stop can wait for them. */
  private inflight = 0;

  constructor(private readonly options: LocalFunctionsOptions) {}

  resolve = (name: string): LocalFunction => {
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      return () => Promise.reject(new Error(`no function ${name} in serverless.yml`));
    }
    return async (event, context) => {
      const handler = this.built?.get(name);
      if (handler === undefined)
        throw new Error(`function ${name} was called before the local cloud built its functions`);
      this.inflight += 1;
      try {
        const { clock, credentialsFor } = this.options;
        const call = () => runWithClock(clock, () => handler(event, context));
        return await (credentialsFor === undefined ? call() : runWithCredentials(credentialsFor(name), call));
      } finally {
        this.inflight -= 1;
      }
    };
  };

  /**
   * Builds every function from `environment`, what serverless.yml would set on it for this local
   * cloud: its endpoint, its tables, its key, its state machines. Each builds its clients then,
   * as a Lambda function does at its first call.
   */
  async build(environment: Environment): Promise<void> {
    const built = new Map<string, Handler>();
    for (const name of FUNCTION_NAMES) built.set(name, (await importFunction(name)).handlerFor(environment));
    this.built = built;
  }

  get busy(): number {
    return this.inflight;
  }
}

/** A function's module: imported once per process, whichever local cloud asks first. */
function importFunction(name: string): Promise<FunctionModule> {
  // A file URL, not a bare template: the test runner's bundler cannot follow a computed path.
  const url = new URL(`../functions/${name}.ts`, import.meta.url).href;
  return import(/* @vite-ignore */ url) as Promise<FunctionModule>;
}
