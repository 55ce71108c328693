// `cutover promote <deployment-id> [--full]`: ends the current bake now, or with --full skips
// every remaining step and bake (POST /deployments/{id}/promote), recorded in the ledger.

import { onePositional, parseCommandLine } from '../args.js';
import type { Command } from '../command.js';
import { printJson } from '../output.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
} from '../api-client.js';

const help = `Usage: cutover promote <deployment-id> [--full] [--reason TEXT] [options]

Move a deployment on: end the current bake now so the next step begins (a deployment
waiting for approval is approved). With --full, skip every remaining step and bake: traffic
goes straight to 100% and the release is promoted, as Argo Rollouts' promote --full does.
Recorded in the ledger with who promoted it and why.

Options:
  --full              skip every remaining step and bake
  --reason TEXT       why, recorded in the ledger

${CONNECTION_HELP}

Exit codes: 0 accepted, 1 the deployment has ended, has no step to end early, or another
action reached its wait first (409; nothing is recorded), 2 bad usage or unknown deployment.

Examples:
  cutover promote web-7f5b2640fe6f-1764238400-a1b2c3
  cutover promote web-7f5b2640fe6f-1764238400-a1b2c3 --full --reason "incident fix, verified by hand"`;

export const promoteCommand: Command = {
  name: 'promote',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseCommandLine(args, {
      ...CONNECTION_OPTIONS,
      full: { type: 'boolean' },
      reason: { type: 'string' },
    });
    const id = onePositional(positionals, 'promote', 'deployment id', help);
    const full = values.full ?? false;
    const answer = await clientFrom(values).post(`/deployments/${segment(id)}/promote`, {
      full,
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    });
    if (output.json) printJson(output, answer);
    else {
      output.out(
        full
          ? `Promoting ${id} fully: the remaining steps and bakes are skipped, traffic goes to 100% and the release is promoted.`
          : `Promoted ${id}: the current step ends now and the next one begins.`,
      );
      output.out(`Follow it: cutover status ${id} --watch`);
    }
    return 0;
  }),
};
