// Adapter: publishes Cutover's events with EventBridge PutEvents on the `cutover` bus, as a signed
// JSON 1.1 request (json-requests.ts), without the SDK's EventBridge client.

import { EVENT_SOURCE, type CutoverEvent } from '../domain/events.js';
import type { CutoverEvents } from '../ports/events.js';
import { optionalEnv, type Environment } from '../runtime/env.js';
import { eventBridgeRequests } from './clients.js';
import { TransientError, translateTransient } from './errors.js';
import type { JsonRequests } from './json-requests.js';

interface PutEventsOutput {
  FailedEntryCount?: number;
  Entries?: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

export class EventBridgeEvents implements CutoverEvents {
  constructor(
    private readonly requests: Pick<JsonRequests, 'call'>,
    private readonly busName: string,
  ) {}

  async publish(event: CutoverEvent): Promise<void> {
    let failed: string | undefined;
    try {
      const result = await this.requests.call<PutEventsOutput>('PutEvents', {
        Entries: [
          {
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: event.detailType,
            Detail: JSON.stringify(event.detail),
            Resources: [],
          },
        ],
      });
      if ((result.FailedEntryCount ?? 0) > 0)
        failed = result.Entries?.[0]?.ErrorMessage ?? result.Entries?.[0]?.ErrorCode;
    } catch (error) {
      translateTransient(`PutEvents ${event.detailType}`, error);
    }
    // A failed entry is worth a retry of the step: the event is part of what it does.
    if (failed !== undefined) throw new TransientError(`PutEvents ${event.detailType} failed: ${failed}`);
  }
}

/** The events adapter as handlers use it: one set of requests, the bus named by CUTOVER_EVENT_BUS. */
export function cutoverEvents(env: Environment): EventBridgeEvents {
  return new EventBridgeEvents(eventBridgeRequests(env), optionalEnv('CUTOVER_EVENT_BUS', 'cutover', env));
}
