// `cutover approve <deployment-id>`: lets a deployment waiting for approval go on to
// production traffic (POST /deployments/{id}/approve), recorded in the ledger.

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

const help = `Usage: cutover approve <deployment-id> [--reason TEXT] [options]

Approve a deployment that is waiting for approval (a service with approval.required in the
catalog): production traffic starts moving to the new release. Recorded in the ledger
with who approved it and why.

Options:
  --reason TEXT       why, recorded in the ledger

${CONNECTION_HELP}

Exit codes: 0 approved, 1 the deployment is not waiting for approval (409), 2 bad usage or
unknown deployment.

Examples:
  cutover approve api-3c9e1d0a7b2f-1764238400-a1b2c3
  cutover approve api-3c9e1d0a7b2f-1764238400-a1b2c3 --reason "smoke tests passed on the test listener"`;

export const approveCommand: Command = {
  name: 'approve',
  summary: 'approve a deployment waiting for approval',
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { ...CONNECTION_OPTIONS, reason: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError('approve takes exactly one deployment id', help);
    const id = positionals[0]!;
    const answer = await clientFrom(values).post(`/deployments/${segment(id)}/approve`, {
      ...(values.reason === undefined ? {} : { reason: values.reason }),
    });
    if (output.json) printJson(output, answer);
    else {
      output.out(`Approved ${id}: production traffic starts moving to the new release.`);
      output.out(`Follow it: cutover status ${id} --watch`);
    }
    return 0;
  }),
};
