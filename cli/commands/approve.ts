// `cutover approve <deployment-id>`: lets a deployment waiting for approval go on to
// production traffic (POST /deployments/{id}/approve), recorded in the ledger.

import { CONNECTION_HELP } from '../api-client.js';
import { deploymentAction } from '../deployment-action.js';

const help = `Usage: cutover approve <deployment-id> [--reason TEXT] [options]

Approve a deployment that is waiting for approval (a service with approval.required in the
catalog): production traffic starts moving to the new release. Recorded in the ledger
with who approved it and why.

Options:
  --reason TEXT       why, recorded in the ledger

${CONNECTION_HELP}

Exit codes: 0 approved, 1 the deployment is not waiting for approval, or another action
reached its wait first (409; nothing is recorded), 2 bad usage or unknown deployment.

Examples:
  cutover approve api-3c9e1d0a7b2f-1764238400-a1b2c3
  cutover approve api-3c9e1d0a7b2f-1764238400-a1b2c3 --reason "smoke tests passed on the test listener"`;

export const approveCommand = deploymentAction({
  name: 'approve',
  help,
  accepted: (id) => `Approved ${id}: production traffic starts moving to the new release.`,
});
