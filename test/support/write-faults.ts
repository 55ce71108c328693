// Ports that fail one write: wraps the ports the handlers see so that the Nth call that
// changes something (a table write, a ledger put, an ECS or load-balancer change, an event)
// throws instead of happening, as a Lambda that died just before it would. Every write before
// it has happened, so a run with the fault at N crashes between writes N-1 and N; running N
// over every write of a deployment crashes between each pair of side effects inside each
// handler, not only after a handler returns.

import type { EngineDeps } from '../../shared/engine/deps.js';

/** The methods of each port that change something; reads are never failed. */
const WRITES: { readonly [Port in keyof EngineDeps]?: readonly string[] } = {
  router: ['setWeights'],
  ledger: ['put'],
  locks: ['acquire', 'renew', 'release', 'queue', 'dequeue'],
  deployments: ['create', 'update'],
  serviceStates: ['setStable', 'advanceLedgerHead', 'allocateRelease'],
  watchers: ['watch', 'unwatch'],
  taskDefinitions: ['registerRelease'],
  taskSets: ['create', 'scale', 'makePrimary', 'remove'],
  tokens: ['succeed', 'fail'],
  executions: ['start'],
  events: ['publish'],
};

/** How Step Functions reports a function that died: retried like any Lambda.Unknown. */
export class InjectedCrash extends Error {
  override readonly name = 'Lambda.Unknown';
}

export interface WriteFaults {
  deps: EngineDeps;
  /** Every write attempted so far, as `port.method`, the failed one included. */
  readonly writes: string[];
}

/** The ports, with the write numbered `failAt` (0-based) failing once; -1 fails none. */
export function failNthWrite(deps: EngineDeps, failAt: number): WriteFaults {
  const writes: string[] = [];
  const wrapped = { ...deps } as Record<string, unknown>;
  for (const [port, methods] of Object.entries(WRITES)) {
    const target = deps[port as keyof EngineDeps] as unknown as Record<string, unknown>;
    wrapped[port] = new Proxy(target, {
      get(object, key, receiver) {
        const value: unknown = Reflect.get(object, key, receiver);
        if (typeof value !== 'function' || !methods.includes(String(key))) return value;
        return (...args: unknown[]) => {
          const index = writes.push(`${port}.${String(key)}`) - 1;
          if (index === failAt) {
            return Promise.reject(
              new InjectedCrash(`died before ${port}.${String(key)} (write ${index}, injected)`),
            );
          }
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      },
    });
  }
  return { deps: wrapped as unknown as EngineDeps, writes };
}
