// The local EventBridge: event buses, rules with event patterns, Lambda targets, and
// PutEvents, over AWS's JSON 1.1 protocol (X-Amz-Target `AWSEvents.<Operation>`). An
// accepted event is delivered, after PutEvents has answered, to every target of every
// ENABLED rule on its bus whose pattern matches. Like EventBridge, delivery is at least
// once with retries; a target that keeps failing is logged, never reported to the sender.
// In-process producers (the local ECR and CloudWatch) emit their `aws.*` events through
// publish(), as the AWS services themselves do.
//
// This file accepts and delivers events; the buses, rules and targets they are matched against
// are eventbridge-buses.ts, and reading requests is eventbridge-input.ts. The connections whose
// credentials Step Functions' HTTP Tasks send are eventbridge-connections.ts.

import { isRecord } from '../../shared/domain/records.js';
import type { SimClock } from '../clock.js';
import { matches } from './event-pattern.js';
import {
  EventBuses,
  type Bus,
  type EventBridgeSnapshot,
  type Rule,
  type Target,
} from './eventbridge-buses.js';
import { Connections, type ConnectionsSnapshot } from './eventbridge-connections.js';
import { busNameOf, entryTime, parsePattern } from './eventbridge-input.js';
import type { ServerlessRule } from './serverless-rules.js';
import { optionalList, requireString, validation, type LocalService } from './service.js';

/** An event as EventBridge delivers it to a target. */
export interface EventBridgeEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** ISO 8601 to the second, e.g. `2026-01-01T00:03:30Z`. */
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** What an in-process producer hands to publish(). */
export interface PublishedEvent {
  source: string;
  'detail-type': string;
  detail: Record<string, unknown>;
  resources?: string[];
  /** Defaults to the clock's now. */
  time?: string | number | Date;
}

/** An accepted event, the bus it was put on, and the functions its matching rules target. */
export interface RecentEvent {
  eventBusName: string;
  event: EventBridgeEvent;
  targets: string[];
}

export interface LocalEventBridgeOptions {
  clock: SimClock;
  region: string;
  account: string;
  /** Invokes a function (by name) with an event; a rejection is retried. */
  deliver: (target: string, event: EventBridgeEvent) => Promise<void>;
  /** Where failed deliveries are reported. Defaults to console.warn. */
  log?: (message: string) => void;
  /** Attempts per delivery (3) and the simulated time between them (1 s, doubling). */
  retry?: { attempts?: number; delayMs?: number };
  /** The custom buses the stack creates, besides `default` (default: `cutover`). */
  buses?: readonly string[];
}

const RECENT_CAPACITY = 1000;
/** AWS: at most 10 entries per PutEvents. */
const MAX_ENTRIES = 10;

export class LocalEventBridge {
  readonly service: LocalService;
  private readonly buses: EventBuses;
  /** The connections HTTP Tasks name (Step Functions reads their credentials in-process). */
  readonly connections: Connections;
  private readonly ring: RecentEvent[] = [];
  private ringNext = 0;
  private readonly listeners = new Set<(record: RecentEvent) => void>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly log: (message: string) => void;
  private readonly attempts: number;
  private readonly delayMs: number;

  constructor(private readonly options: LocalEventBridgeOptions) {
    this.log = options.log ?? ((message) => console.warn(message));
    this.attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.delayMs = Math.max(0, options.retry?.delayMs ?? 1000);
    this.buses = new EventBuses(options);
    this.connections = new Connections(options);
    this.service = {
      name: 'events',
      operations: {
        PutEvents: (input) => this.putEvents(input),
        PutRule: (input) => this.buses.putRule(input),
        DescribeRule: (input) => this.buses.describeRule(input),
        ListRules: (input) => this.buses.listRules(input),
        DeleteRule: (input) => this.buses.deleteRule(input),
        EnableRule: (input) => this.buses.setState(input, 'ENABLED'),
        DisableRule: (input) => this.buses.setState(input, 'DISABLED'),
        PutTargets: (input) => this.buses.putTargets(input),
        ListTargetsByRule: (input) => this.buses.listTargetsByRule(input),
        RemoveTargets: (input) => this.buses.removeTargets(input),
        TestEventPattern: (input) => this.testEventPattern(input),
        CreateEventBus: (input) => this.buses.createEventBus(input),
        DescribeEventBus: (input) => this.buses.describeEventBus(input),
        ListEventBuses: (input) => this.buses.listEventBuses(input),
        CreateConnection: (input) => this.connections.create(input),
        DescribeConnection: (input) => this.connections.describe(input),
        DeleteConnection: (input) => this.connections.delete(input),
        ListConnections: (input) => this.connections.list(input),
      },
    };
  }

  // -------------------------------------------------------------------------------------
  // In-process API

  /** Puts an event on a bus from inside the local cloud; `aws.*` sources are allowed here. */
  publish(event: PublishedEvent, eventBusName = 'default'): EventBridgeEvent {
    const bus = this.buses.get(eventBusName);
    if (bus === undefined) throw new Error(`publish: there is no event bus named ${eventBusName}`);
    const time = event.time === undefined ? this.options.clock.now() : new Date(event.time).getTime();
    if (!Number.isFinite(time)) throw new Error(`publish: ${String(event.time)} is not a time`);
    return this.accept(bus, {
      source: event.source,
      detailType: event['detail-type'],
      detail: structuredClone(event.detail),
      resources: [...(event.resources ?? [])],
      time,
    });
  }

  /** Calls `listener` with every accepted event; returns a function that stops it. */
  onEvent(listener: (record: RecentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The last accepted events, newest first (at most 1,000 are kept). */
  recent(limit = 100): RecentEvent[] {
    const size = Math.min(this.ring.length, RECENT_CAPACITY);
    const out: RecentEvent[] = [];
    for (let i = 1; i <= Math.min(limit, size); i++) {
      out.push(this.ring[(this.ringNext - i + RECENT_CAPACITY) % RECENT_CAPACITY] as RecentEvent);
    }
    return out;
  }

  /** Resolves once every delivery started so far (and any they caused) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Installs rules read from serverless.yml, creating their buses; running it again changes nothing. */
  loadRules(rules: readonly ServerlessRule[]): void {
    for (const rule of rules) {
      if (this.buses.get(rule.eventBusName) === undefined) this.buses.addBus(rule.eventBusName);
      this.buses.putRule({
        Name: rule.name,
        EventBusName: rule.eventBusName,
        EventPattern: JSON.stringify(rule.pattern),
        State: rule.state,
      });
      const arn = `arn:aws:lambda:${this.options.region}:${this.options.account}:function:${rule.target}`;
      const result = this.buses.putTargets({
        Rule: rule.name,
        EventBusName: rule.eventBusName,
        Targets: [{ Id: rule.target, Arn: arn }],
      });
      if (result.FailedEntryCount > 0) {
        throw new Error(
          `loadRules: ${rule.name}: ${result.FailedEntries.map((e) => e.ErrorMessage).join('; ')}`,
        );
      }
    }
  }

  snapshot(): EventBridgeSnapshot & Partial<ConnectionsSnapshot> {
    const { connections } = this.connections.snapshot();
    return { ...this.buses.snapshot(), ...(connections.length > 0 ? { connections } : {}) };
  }

  /** Replaces every bus, rule, target and connection with those of a snapshot. */
  restore(data: unknown): void {
    this.buses.restore(data);
    this.connections.restore(data as Partial<ConnectionsSnapshot> as ConnectionsSnapshot);
  }

  // -------------------------------------------------------------------------------------
  // Events

  private putEvents(input: Record<string, unknown>) {
    const entries = optionalList(input, 'Entries');
    if (entries.length === 0 || entries.length > MAX_ENTRIES) {
      throw validation(
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`,
      );
    }
    const results = entries.map((entry) => this.putEntry(entry));
    return { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results };
  }

  /** One PutEvents entry: its EventId, or why it failed (the other entries still go through). */
  private putEntry(entry: unknown): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    const failed = (ErrorCode: string, ErrorMessage: string) => ({ ErrorCode, ErrorMessage });
    const invalid = (field: string, reason: string) =>
      failed('InvalidArgument', `Parameter ${field} is not valid. Reason: ${reason}`);
    if (!isRecord(entry)) return invalid('Entries', 'each entry must be an object.');
    const { Source, DetailType, Detail, Resources, Time, EventBusName } = entry;
    if (typeof Source !== 'string' || Source === '')
      return invalid('Source', 'Source is a required argument.');
    if (typeof DetailType !== 'string' || DetailType === '') {
      return invalid('DetailType', 'DetailType is a required argument.');
    }
    if (typeof Detail !== 'string' || Detail === '')
      return invalid('Detail', 'Detail is a required argument.');
    // Sources beginning `aws.` are reserved for AWS services; they publish in-process here (publish()).
    if (Source.startsWith('aws.'))
      return failed('NotAuthorizedForSourceException', 'Not authorized for the source.');
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return failed('MalformedDetail', 'Detail is malformed.');
    }
    if (!isRecord(detail)) return failed('MalformedDetail', 'Detail is malformed.');
    if (
      Resources !== undefined &&
      (!Array.isArray(Resources) || !Resources.every((r) => typeof r === 'string'))
    ) {
      return invalid('Resources', 'Resources must be a list of strings.');
    }
    const time = entryTime(Time, this.options.clock.now());
    if (time === undefined) return invalid('Time', 'Time must be a timestamp.');
    const busName = busNameOf(
      typeof EventBusName === 'string' && EventBusName !== '' ? EventBusName : undefined,
    );
    const bus = this.buses.get(busName);
    if (bus === undefined) return failed('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    const event = this.accept(bus, {
      source: Source,
      detailType: DetailType,
      detail,
      resources: Resources ?? [],
      time,
    });
    return { EventId: event.id };
  }

  private accept(
    bus: Bus,
    entry: {
      source: string;
      detailType: string;
      detail: Record<string, unknown>;
      resources: string[];
      time: number;
    },
  ): EventBridgeEvent {
    const event: EventBridgeEvent = {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.options.account,
      time: new Date(entry.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: entry.resources,
      detail: entry.detail,
    };
    const targets: string[] = [];
    for (const rule of bus.rules.values()) {
      if (rule.state !== 'ENABLED' || rule.pattern === undefined || !matches(rule.pattern, event)) continue;
      for (const target of rule.targets.values()) {
        targets.push(target.functionName);
        this.track(this.deliver(rule, target, structuredClone(event)));
      }
    }
    const record: RecentEvent = { eventBusName: bus.name, event, targets };
    this.ring[this.ringNext] = record;
    this.ringNext = (this.ringNext + 1) % RECENT_CAPACITY;
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch (error) {
        this.log(`events: an onEvent listener failed: ${(error as Error).message}`);
      }
    }
    return event;
  }

  /** At least once: retried with doubling simulated delays; the last failure is logged. */
  private async deliver(rule: Rule, target: Target, event: EventBridgeEvent): Promise<void> {
    // Never inside the caller's turn: PutEvents (or publish) has answered before any target runs.
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.deliver(target.functionName, event);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (attempt >= this.attempts) {
          this.log(
            `events: gave up delivering ${event['detail-type']} ${event.id} from rule ${rule.name} to ${target.functionName} after ${attempt} attempts: ${reason}`,
          );
          return;
        }
        await this.options.clock.sleep(this.delayMs * 2 ** (attempt - 1));
      }
    }
  }

  private track(delivery: Promise<void>): void {
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  private testEventPattern(input: Record<string, unknown>) {
    const pattern = parsePattern(requireString(input, 'EventPattern'));
    let event: unknown;
    try {
      event = JSON.parse(requireString(input, 'Event'));
    } catch {
      throw validation('Parameter Event is not valid. Reason: Event is not valid JSON.');
    }
    if (!isRecord(event))
      throw validation('Parameter Event is not valid. Reason: Event must be a JSON object.');
    const required = ['id', 'account', 'source', 'time', 'region', 'detail-type'];
    const missing = required.filter((field) => event[field] === undefined);
    if (missing.length > 0) {
      throw validation(
        `Parameter Event is not valid. Reason: Provided Event must have the following fields: ${required.join(', ')} (missing: ${missing.join(', ')}).`,
      );
    }
    return { Result: matches(pattern, event) };
  }
}
