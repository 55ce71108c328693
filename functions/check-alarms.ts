// Refuses to start shifting a new image while a watched alarm is already in ALARM; a rollback
// (or an override) goes on, and the ledger records which alarms fired.

import { cloudWatchRequests } from '../shared/aws/clients.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { checkAlarms } from '../shared/engine/alarms.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerKeys, ledgerSigner } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(deps: Parameters<typeof checkAlarms>[0]) {
  return stepHandler('check-alarms', stepInput({}), ({ spec }) => checkAlarms(deps, spec));
}

export const handler = createHandler({
  clock: processClock,
  signer: ledgerSigner(),
  ledgerKeys: ledgerKeys(),
  ...tables(),
  alarms: new CloudWatchAlarmWatch(cloudWatchRequests()),
});
