// Sends the test listener's traffic to the new task set, before production traffic moves.

import { elbRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { stepInput } from '../shared/engine/spec.js';
import { allowTestTraffic } from '../shared/engine/traffic.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof allowTestTraffic>[0]) {
  return stepHandler('allow-test-traffic', stepInput({}), async ({ spec }) => {
    await allowTestTraffic(deps, spec);
    return { testTraffic: true };
  });
}

export const handler = createHandler({
  clock: processClock,
  ...tables(),
  router: new Elbv2TrafficRouter(elbRequests()),
});
