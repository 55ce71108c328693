// The shape `cutover approve` and `cutover abort` share: one deployment id, an optional
// --reason, a POST to /deployments/{id}/{action}, and a line saying what happens next.

import { onePositional, parseCommandLine } from './args.js';
import type { Command } from './command.js';
import { printJson } from './output.js';
import { clientFrom, CONNECTION_OPTIONS, reportingApiFailures, segment } from './api-client.js';

export function deploymentAction(options: {
  name: 'approve' | 'abort';
  help: string;
  /** What the operator is told once the API has accepted it. */
  accepted: (id: string) => string;
}): Command {
  const { name, help, accepted } = options;
  return {
    name,
    help,
    run: reportingApiFailures(async (args, output) => {
      const { values, positionals } = parseCommandLine(args, {
        ...CONNECTION_OPTIONS,
        reason: { type: 'string' },
      });
      const id = onePositional(positionals, name, 'deployment id', help);
      const answer = await clientFrom(values).post(`/deployments/${segment(id)}/${name}`, {
        ...(values.reason === undefined ? {} : { reason: values.reason }),
      });
      if (output.json) printJson(output, answer);
      else {
        output.out(accepted(id));
        output.out(`Follow it: cutover status ${id} --watch`);
      }
      return 0;
    }),
  };
}
