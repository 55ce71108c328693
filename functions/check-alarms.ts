// Refuses to start shifting a new image while a watched alarm is already in ALARM; a rollback
// (or an override) goes on, and the ledger records which alarms fired.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import { cloudWatchRequests } from '../shared/aws/clients.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { checkAlarms } from '../shared/engine/alarms.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerKeys } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(deps: Parameters<typeof checkAlarms>[0], observe?: Observability) {
  return stepHandler('check-alarms', stepInput({}), ({ spec }) => checkAlarms(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      ledgerKeys: ledgerKeys(env),
      alarms: new CloudWatchAlarmWatch(cloudWatchRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
