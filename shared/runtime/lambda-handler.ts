// The `handler` each module in functions/ exports for Lambda. A function is built from an
// environment by its module's `handlerFor(env)`; Lambda's is built from process.env, once, at
// the first call, and kept for the calls after it (a build that failed, a variable missing, is
// tried again at the next). So importing a function's module reads no variable and makes no
// client: the local cloud imports the same modules and builds each function once per local
// cloud, from that cloud's own environment (local/functions.ts), and the tests import them to
// build them over fakes.

import type { Environment } from './env.js';

type Handler = (event: never, context: never) => Promise<unknown>;

export function lambdaHandler<H extends Handler>(build: (env: Environment) => H) {
  let built: H | undefined;
  return async (event: Parameters<H>[0], context: Parameters<H>[1]): Promise<Awaited<ReturnType<H>>> => {
    // A failed build is a failed call, as any error in the handler is.
    built ??= build(process.env);
    return (await built(event, context)) as Awaited<ReturnType<H>>;
  };
}
