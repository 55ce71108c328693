// EventBridgeEvents, PutEvents as a signed JSON 1.1 request: against the local EventBridge (the
// event reaches the target of a rule on the cutover bus, as published), and against a stand-in
// for AWS where the local one cannot be made to answer so (the signature checked by AWS's SigV4
// steps, a failed entry, a refused request, a refused connection).

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/aws/errors.js';
import { EventBridgeEvents } from '../../shared/aws/eventbridge-events.js';
import { EVENTBRIDGE, JsonRequests } from '../../shared/aws/json-requests.js';
import type { CutoverEvent } from '../../shared/domain/events.js';
import { freePort } from '../../harness/emulators.js';
import { fn, startWorld, type World } from '../support/eventbridge-world.js';
import { CREDENTIALS, json, StandInAws } from '../support/stand-in-aws.js';
const requestsTo = (endpoint: string, maxAttempts?: number) =>
  new JsonRequests(EVENTBRIDGE, { endpoint, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts });

const shifted: CutoverEvent = {
  detailType: 'Traffic Shifted',
  detail: { deploymentId: 'dep-1', service: 'web', release: 8, weights: { stable: 90, candidate: 10 } },
};

describe('EventBridgeEvents on the local EventBridge', () => {
  let world: World & { server: Server };
  let endpoint: string;

  beforeAll(async () => {
    world = await startWorld();
    endpoint = `http://127.0.0.1:${(world.server.address() as AddressInfo).port}`;
    await world.call('PutRule', {
      Name: 'cutover-events',
      EventBusName: 'cutover',
      EventPattern: JSON.stringify({ source: ['cutover'], 'detail-type': ['Traffic Shifted'] }),
    });
    await world.call('PutTargets', {
      Rule: 'cutover-events',
      EventBusName: 'cutover',
      Targets: [{ Id: 'notify', Arn: fn('notify') }],
    });
  });

  afterAll(async () => {
    await world.bus.idle();
    await new Promise((resolve) => world.server.close(resolve));
  });

  it('publishes the event on the bus, where a rule on its source and detail type delivers it', async () => {
    await new EventBridgeEvents(requestsTo(endpoint), 'cutover').publish(shifted);
    await world.bus.idle();
    expect(world.deliveries).toHaveLength(1);
    expect(world.deliveries[0]).toMatchObject({
      target: 'notify',
      event: { source: 'cutover', 'detail-type': 'Traffic Shifted', detail: shifted.detail, resources: [] },
    });
  });

  it('turns an entry EventBridge refuses (a bus that does not exist) into TransientError, naming why', async () => {
    const publish = new EventBridgeEvents(requestsTo(endpoint), 'no-such-bus').publish(shifted);
    await expect(publish).rejects.toBeInstanceOf(TransientError);
    await expect(publish).rejects.toThrow(
      /PutEvents Traffic Shifted failed: Event bus no-such-bus does not exist/,
    );
  });
});

describe('EventBridgeEvents against a stand-in for AWS', () => {
  const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };
  let events: StandInAws;
  let endpoint: string;

  beforeAll(async () => {
    events = await new StandInAws('events').start();
    endpoint = events.endpoint;
  });
  afterAll(() => events.stop());
  beforeEach(() => events.reset());

  it('sends one entry, signed for events, as AWSEvents.PutEvents in JSON 1.1', async () => {
    events.answer = () => json(200, { FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] }, JSON_11);
    await new EventBridgeEvents(requestsTo(endpoint), 'cutover').publish(shifted);
    expect(events.received).toHaveLength(1);
    const [request] = events.received;
    expect(request!.problem).toBeUndefined();
    expect(request!.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request!.body)).toEqual({
      Entries: [
        {
          EventBusName: 'cutover',
          Source: 'cutover',
          DetailType: 'Traffic Shifted',
          Detail: JSON.stringify(shifted.detail),
          Resources: [],
        },
      ],
    });
  });

  it('names a failed entry by its code when EventBridge gives no message', async () => {
    events.answer = () =>
      json(200, { FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] }, JSON_11);
    await expect(new EventBridgeEvents(requestsTo(endpoint), 'cutover').publish(shifted)).rejects.toThrow(
      new TransientError('PutEvents Traffic Shifted failed: InternalFailure'),
    );
  });

  it('leaves a refused request as EventBridge names it (AccessDeniedException), not to be retried', async () => {
    events.answer = () =>
      json(400, { __type: 'AccessDeniedException', Message: 'not authorized to put events' }, JSON_11);
    const publish = new EventBridgeEvents(requestsTo(endpoint), 'cutover').publish(shifted);
    await expect(publish).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: 'not authorized to put events',
      $metadata: { httpStatusCode: 400 },
    });
    expect(events.received).toHaveLength(1);
  });

  it('turns an unreachable endpoint into TransientError, so the step retries', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    const publish = new EventBridgeEvents(requestsTo(unreachable, 1), 'cutover').publish(shifted);
    await expect(publish).rejects.toBeInstanceOf(TransientError);
    await expect(publish).rejects.toThrow(/PutEvents Traffic Shifted failed for now/);
  });
});
