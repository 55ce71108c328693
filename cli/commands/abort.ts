// `cutover abort <deployment-id>`: rolls a deployment back now (POST /deployments/{id}/abort);
// production traffic returns to the stable release, and the ledger names the operator.

import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { printJson } from '../output.js';
import {
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
} from '../api-client.js';

const help = `Usage: cutover abort <deployment-id> [--reason TEXT] [options]

Roll a deployment back now: production traffic returns to the stable release, and the
ledger records the operator as the reason. A bake or an approval wait ends at once;
otherwise the next step (at most one health check away) rolls back.

Options:
  --reason TEXT       why, recorded in the ledger

${CONNECTION_HELP}

Exit codes: 0 accepted, 1 the deployment has already ended (409), 2 bad usage or unknown
deployment.

Examples:
  cutover abort web-7f5b2640fe6f-1764238400-a1b2c3
  cutover abort web-7f5b2640fe6f-1764238400-a1b2c3 --reason "latency up in eu-west-1"`;

export const abortCommand: Command = {
  name: 'abort',
  summary: 'roll a deployment back now',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { ...CONNECTION_OPTIONS, reason: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError('abort takes exactly one deployment id', help);
    const id = positionals[0]!;
    const answer = await clientFrom(values).post(`/deployments/${segment(id)}/abort`, {
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    });
    if (output.json) printJson(output, answer);
    else {
      output.out(`Aborting ${id}: production traffic returns to the stable release.`);
      output.out(`Follow it: cutover status ${id} --watch`);
    }
    return 0;
  }),
};
