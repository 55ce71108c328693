// The handlers in functions/, loaded in this process and called the way Lambda
// calls them. Each module reads its environment when first imported, so the local
// cloud sets AWS_ENDPOINT_URL and the table names before the first call
// (handler-environment.ts). Each call runs with the local cloud's clock and its
// function's credentials, given to that call alone.

import type { WaitingClock } from '../shared/ports/clock.js';
import { runWithClock } from '../shared/runtime/clock.js';
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

export interface LocalFunctionsOptions {
  /** The clock the handlers read in each call (`processClock`): the local cloud's. */
  clock: WaitingClock;
  /** Each function's calls sign with the credentials of its own role, as on Lambda. */
  credentialsFor?: (name: string) => InvocationCredentials;
}

export class LocalFunctions {
  private readonly loaded = new Map<string, Promise<Handler>>();
  /** Invocations in flight, so a stop can wait for them. */
  private inflight = 0;

  constructor(private readonly options: LocalFunctionsOptions) {}

  resolve = (name: string): LocalFunction => {
    if (!(FUNCTION_NAMES as readonly string[]).includes(name)) {
      return () => Promise.reject(new Error(`no function ${name} in serverless.yml`));
    }
    return async (event, context) => {
      this.inflight += 1;
      try {
        const handler = await this.load(name);
        const { clock, credentialsFor } = this.options;
        const call = () => runWithClock(clock, () => handler(event, context));
        return await (credentialsFor === undefined ? call() : runWithCredentials(credentialsFor(name), call));
      } finally {
        this.inflight -= 1;
      }
    };
  };

  /** Loads every handler (each reads its environment when loaded: set it first). */
  async preload(): Promise<void> {
    for (const name of FUNCTION_NAMES) await this.load(name);
  }

  get busy(): number {
    return this.inflight;
  }

  private load(name: string): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (handler === undefined) {
      // A file URL, not a bare template: the test runner's bundler cannot follow a computed path.
      const url = new URL(`../functions/${name}.ts`, import.meta.url).href;
      handler = import(/* @vite-ignore */ url).then((module: { handler: Handler }) => module.handler);
      this.loaded.set(name, handler);
    }
    return handler;
  }
}
