// Adapter: publishes Cutover's events with EventBridge PutEvents on the `cutover` bus.

import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE, type CutoverEvent } from '../domain/events.js';
import type { CutoverEvents } from '../ports/events.js';
import { optionalEnv } from '../runtime/env.js';
import { eventBridgeClient } from './clients.js';
import { TransientError, translateTransient } from './errors.js';

export class EventBridgeEvents implements CutoverEvents {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(event: CutoverEvent): Promise<void> {
    let failed: string | undefined;
    try {
      const result = await this.client.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: this.busName,
              Source: EVENT_SOURCE,
              DetailType: event.detailType,
              Detail: JSON.stringify(event.detail),
              Resources: [],
            },
          ],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0)
        failed = result.Entries?.[0]?.ErrorMessage ?? result.Entries?.[0]?.ErrorCode;
    } catch (error) {
      translateTransient(`PutEvents ${event.detailType}`, error);
    }
    // A failed entry is worth a retry of the step: the event is part of what it does.
    if (failed !== undefined) throw new TransientError(`PutEvents ${event.detailType} failed: ${failed}`);
  }
}

/** The events adapter as handlers use it: one client, the bus named by CUTOVER_EVENT_BUS. */
export function cutoverEvents(): EventBridgeEvents {
  return new EventBridgeEvents(eventBridgeClient(), optionalEnv('CUTOVER_EVENT_BUS', 'cutover'));
}
