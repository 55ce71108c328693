// `cutover abort <deployment-id>`: rolls a deployment back now (POST /deployments/{id}/abort);
// production traffic returns to the stable release, and the ledger names the operator.

import { CONNECTION_HELP } from '../api-client.js';
import { deploymentAction } from '../deployment-action.js';

const help = `Usage: cutover abort <deployment-id> [--reason TEXT] [options]

Roll a deployment back now: production traffic returns to the stable release, and the
ledger records the operator as the reason. A bake or an approval wait ends at once;
otherwise the next step (at most one health check away) rolls back.

Options:
  --reason TEXT       why, recorded in the ledger

${CONNECTION_HELP}

Exit codes: 0 accepted, 1 the deployment has already ended, is already being aborted, or
another action reached its wait first (409; nothing is recorded), 2 bad usage or unknown
deployment.

Examples:
  cutover abort web-7f5b2640fe6f-1764238400-a1b2c3
  cutover abort web-7f5b2640fe6f-1764238400-a1b2c3 --reason "latency up in eu-west-1"`;

export const abortCommand = deploymentAction({
  name: 'abort',
  help,
  accepted: (id) => `Aborting ${id}: production traffic returns to the stable release.`,
});
