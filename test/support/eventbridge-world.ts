// A local EventBridge served over HTTP on a manual clock, recording what it delivers, for the
// tests of the local EventBridge (test/local/eventbridge*.test.ts).

import type { Server } from 'node:http';
import { ManualClock } from '../../local/clock.js';
import { LocalEventBridge, type EventBridgeEvent } from '../../local/aws/eventbridge.js';
import { createAwsServer } from '../../local/aws/server.js';
import { freePort } from '../../harness/emulators.js';
import { sigV4Authorization } from './local-server.js';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const START = Date.parse('2026-01-01T00:00:00Z');
export const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
export interface Delivery {
  target: string;
  event: EventBridgeEvent;
}

export interface Answer {
  status: number;
  errorType: string | null;
  body: Record<string, unknown>;
}

/** One bus, its HTTP endpoint, and what it delivered. */
export interface World {
  bus: LocalEventBridge;
  clock: ManualClock;
  deliveries: Delivery[];
  logs: string[];
  /** How deliver() behaves for a target; succeeds when unset. */
  behaviour: Map<string, (attempt: number) => Promise<void>>;
  call(operation: string, input: unknown): Promise<Answer>;
}

export async function startWorld(retry = { attempts: 3, delayMs: 0 }): Promise<World & { server: Server }> {
  const clock = new ManualClock(START);
  const deliveries: Delivery[] = [];
  const logs: string[] = [];
  const behaviour = new Map<string, (attempt: number) => Promise<void>>();
  const attempts = new Map<string, number>();
  const bus = new LocalEventBridge({
    clock,
    region: REGION,
    account: ACCOUNT,
    retry,
    log: (line) => logs.push(line),
    deliver: async (target, event) => {
      const attempt = (attempts.get(event.id + target) ?? 0) + 1;
      attempts.set(event.id + target, attempt);
      await behaviour.get(target)?.(attempt);
      deliveries.push({ target, event });
    },
  });
  const server = createAwsServer({
    json: { AWSEvents: { service: bus.service, contentType: 'application/x-amz-json-1.1' } },
    query: {},
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${port}/`;
  async function call(operation: string, input: unknown): Promise<Answer> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSEvents.${operation}`,
        authorization: sigV4Authorization('events'),
      },
      body: JSON.stringify(input),
    });
    return {
      status: response.status,
      errorType: response.headers.get('x-amzn-errortype'),
      body: (await response.json()) as Record<string, unknown>,
    };
  }
  return { bus, clock, deliveries, logs, behaviour, call, server };
}
