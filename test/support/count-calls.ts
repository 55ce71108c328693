// Counts the commands an AWS SDK client sends, by command name (e.g. `BatchGetItemCommand`),
// with a middleware at the start of its stack: what a route costs in AWS calls, retries aside.

interface Countable {
  middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** The live counts for `client`; clear the map to start counting again. */
export function countCalls(client: unknown): Map<string, number> {
  const counts = new Map<string, number>();
  (client as Countable).middlewareStack.add(
    (next, context) => (args) => {
      const name = context.commandName ?? 'unknown';
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countCalls' },
  );
  return counts;
}
