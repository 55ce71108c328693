// The local EventBridge: event buses, rules with event patterns, Lambda targets, and
// PutEvents, over AWS's JSON 1.1 protocol (X-Amz-Target `AWSEvents.<Operation>`). An
// accepted event is delivered, after PutEvents has answered, to every target of every
// ENABLED rule on its bus whose pattern matches. Like EventBridge, delivery is at least
// once with retries; a target that keeps failing is logged, never reported to the sender.
// In-process producers (the local ECR and CloudWatch) emit their `aws.*` events through
// publish(), as the AWS services themselves do.

import {
  AwsError,
  optionalList,
  optionalNumber,
  optionalString,
  requireString,
  validation,
  type LocalService,
} from './service.js';
import { matches, validatePattern, type EventPattern } from './event-pattern.js';
import type { ServerlessRule } from './serverless-rules.js';
import type { SimClock } from '../clock.js';

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

export interface EventBridgeSnapshot {
  version: 1;
  buses: { name: string; description?: string; createdAt: number }[];
  rules: {
    name: string;
    eventBusName: string;
    eventPattern?: string;
    scheduleExpression?: string;
    state: RuleState;
    description?: string;
    createdAt: number;
    targets: { id: string; arn: string }[];
  }[];
}

type RuleState = 'ENABLED' | 'DISABLED';

interface Target {
  id: string;
  arn: string;
  /** The function the ARN names: arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]. */
  functionName: string;
}

interface Rule {
  name: string;
  eventBusName: string;
  eventPattern?: string;
  pattern?: EventPattern;
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  createdAt: number;
  targets: Map<string, Target>;
}

interface Bus {
  name: string;
  description?: string;
  createdAt: number;
  rules: Map<string, Rule>;
}

/** Buses that exist from the start: AWS's default, and the one Cutover's own events use. */
const DEFAULT_BUS = 'default';
const RECENT_CAPACITY = 1000;
/** AWS: at most 10 entries per PutEvents, 10 targets per PutTargets, 5 targets per rule. */
const MAX_ENTRIES = 10;
const MAX_TARGETS_PER_RULE = 5;
const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;

export class LocalEventBridge {
  readonly service: LocalService;
  private readonly buses = new Map<string, Bus>();
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
    this.reset();
    this.service = {
      name: 'events',
      operations: {
        PutEvents: (input) => this.putEvents(input),
        PutRule: (input) => this.putRule(input),
        DescribeRule: (input) => this.describeRule(input),
        ListRules: (input) => this.listRules(input),
        DeleteRule: (input) => this.deleteRule(input),
        EnableRule: (input) => this.setState(input, 'ENABLED'),
        DisableRule: (input) => this.setState(input, 'DISABLED'),
        PutTargets: (input) => this.putTargets(input),
        ListTargetsByRule: (input) => this.listTargetsByRule(input),
        RemoveTargets: (input) => this.removeTargets(input),
        TestEventPattern: (input) => this.testEventPattern(input),
        CreateEventBus: (input) => this.createEventBus(input),
        DescribeEventBus: (input) => this.describeEventBus(input),
        ListEventBuses: (input) => this.listEventBuses(input),
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
      if (!this.buses.has(rule.eventBusName)) this.addBus(rule.eventBusName);
      this.putRule({
        Name: rule.name,
        EventBusName: rule.eventBusName,
        EventPattern: JSON.stringify(rule.pattern),
        State: rule.state,
      });
      const arn = `arn:aws:lambda:${this.options.region}:${this.options.account}:function:${rule.target}`;
      const result = this.putTargets({
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

  snapshot(): EventBridgeSnapshot {
    const buses = [...this.buses.values()];
    return {
      version: 1,
      buses: buses.map((b) => ({
        name: b.name,
        createdAt: b.createdAt,
        ...optional('description', b.description),
      })),
      rules: buses.flatMap((b) =>
        [...b.rules.values()].map((r) => ({
          name: r.name,
          eventBusName: r.eventBusName,
          ...optional('eventPattern', r.eventPattern),
          ...optional('scheduleExpression', r.scheduleExpression),
          state: r.state,
          ...optional('description', r.description),
          createdAt: r.createdAt,
          targets: [...r.targets.values()].map((t) => ({ id: t.id, arn: t.arn })),
        })),
      ),
    };
  }

  /** Replaces every bus, rule and target with those of a snapshot. */
  restore(data: unknown): void {
    const snapshot = data as Partial<EventBridgeSnapshot> | null;
    if (snapshot?.version !== 1 || !Array.isArray(snapshot.buses) || !Array.isArray(snapshot.rules)) {
      throw new Error('restore: not an EventBridge snapshot (expected version 1 with buses and rules)');
    }
    this.reset();
    for (const bus of snapshot.buses) {
      const existing = this.buses.get(bus.name) ?? this.addBus(bus.name);
      existing.createdAt = bus.createdAt;
      if (bus.description !== undefined) existing.description = bus.description;
    }
    for (const rule of snapshot.rules) {
      try {
        this.putRule({
          Name: rule.name,
          EventBusName: rule.eventBusName,
          EventPattern: rule.eventPattern,
          ScheduleExpression: rule.scheduleExpression,
          State: rule.state,
          Description: rule.description,
        });
        const restored = this.findRule(rule.eventBusName, rule.name);
        restored.createdAt = rule.createdAt;
        if (rule.targets.length > 0) {
          const result = this.putTargets({
            Rule: rule.name,
            EventBusName: rule.eventBusName,
            Targets: rule.targets.map((t) => ({ Id: t.id, Arn: t.arn })),
          });
          if (result.FailedEntryCount > 0)
            throw new Error(result.FailedEntries.map((e) => e.ErrorMessage).join('; '));
        }
      } catch (error) {
        throw new Error(`restore: rule ${rule.name} on ${rule.eventBusName}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
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
    if (!isObject(entry)) return invalid('Entries', 'each entry must be an object.');
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
    if (!isObject(detail)) return failed('MalformedDetail', 'Detail is malformed.');
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
    if (!isObject(event))
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

  // -------------------------------------------------------------------------------------
  // Rules and targets

  private putRule(input: Record<string, unknown>) {
    const name = ruleName(input, 'Name');
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const eventPattern = optionalString(input, 'EventPattern');
    const scheduleExpression = optionalString(input, 'ScheduleExpression');
    if (eventPattern === undefined && scheduleExpression === undefined) {
      throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    }
    if (scheduleExpression !== undefined && bus.name !== 'default') {
      throw validation('ScheduleExpression is supported only on the default event bus.');
    }
    const pattern = eventPattern === undefined ? undefined : parsePattern(eventPattern);
    const state = optionalString(input, 'State') ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') {
      throw validation(
        `1 validation error detected: Value '${state}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]`,
      );
    }
    const existing = bus.rules.get(name);
    // PutRule replaces a rule's definition; its targets stay.
    const rule: Rule = {
      name,
      eventBusName: bus.name,
      state,
      createdAt: existing?.createdAt ?? this.options.clock.now(),
      targets: existing?.targets ?? new Map<string, Target>(),
      ...optional('eventPattern', eventPattern),
      ...optional('pattern', pattern),
      ...optional('scheduleExpression', scheduleExpression),
      ...optional('description', optionalString(input, 'Description')),
    };
    bus.rules.set(name, rule);
    return { RuleArn: this.ruleArn(rule) };
  }

  private describeRule(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Name'));
    return { ...this.ruleView(rule), CreatedBy: this.options.account };
  }

  private listRules(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const rules = [...this.bus(optionalString(input, 'EventBusName')).rules.values()]
      .filter((r) => r.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = paginate(rules, input);
    return { Rules: page.map((r) => this.ruleView(r)), ...optional('NextToken', next) };
  }

  private deleteRule(input: Record<string, unknown>) {
    const name = ruleName(input, 'Name');
    const bus = this.bus(optionalString(input, 'EventBusName'));
    const rule = bus.rules.get(name);
    // Deleting a rule that does not exist succeeds, as on AWS.
    if (rule === undefined) return {};
    if (rule.targets.size > 0 && input.Force !== true) {
      throw validation("Rule can't be deleted since it has targets.");
    }
    bus.rules.delete(name);
    return {};
  }

  private setState(input: Record<string, unknown>, state: RuleState) {
    this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Name')).state = state;
    return {};
  }

  private putTargets(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Rule'));
    const targets = optionalList(input, 'Targets');
    if (targets.length === 0 || targets.length > 10) {
      throw validation(
        "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const failures: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of targets) {
      const id = isObject(target) && typeof target.Id === 'string' ? target.Id : '';
      const arn = isObject(target) && typeof target.Arn === 'string' ? target.Arn : '';
      const fail = (message: string) =>
        failures.push({ TargetId: id, ErrorCode: 'ValidationException', ErrorMessage: message });
      if (!NAME.test(id)) {
        fail(`Target Id ${JSON.stringify(id)} must be 1 to 64 letters, digits, '.', '-' or '_'.`);
        continue;
      }
      const functionName = LAMBDA_ARN.exec(arn)?.[1];
      if (functionName === undefined) {
        fail(
          `The local cloud delivers only to Lambda functions; ${JSON.stringify(arn)} is not a function ARN.`,
        );
        continue;
      }
      const transformed = ['Input', 'InputPath', 'InputTransformer'].find(
        (f) => isObject(target) && target[f] !== undefined && target[f] !== null,
      );
      if (transformed !== undefined) {
        fail(`${transformed} is not supported by the local cloud: targets receive the event itself.`);
        continue;
      }
      if (!rule.targets.has(id) && rule.targets.size >= MAX_TARGETS_PER_RULE) {
        throw new AwsError(
          'LimitExceededException',
          'The requested resource exceeds the maximum number allowed.',
        );
      }
      rule.targets.set(id, { id, arn, functionName });
    }
    return { FailedEntryCount: failures.length, FailedEntries: failures };
  }

  private listTargetsByRule(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Rule'));
    const { page, next } = paginate([...rule.targets.values()], input);
    return { Targets: page.map((t) => ({ Id: t.id, Arn: t.arn })), ...optional('NextToken', next) };
  }

  private removeTargets(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Rule'));
    const ids = optionalList(input, 'Ids');
    if (ids.length === 0)
      throw validation(
        "1 validation error detected: Value at 'ids' failed to satisfy constraint: Member must have length greater than or equal to 1",
      );
    for (const id of ids) if (typeof id === 'string') rule.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  // -------------------------------------------------------------------------------------
  // Buses

  private createEventBus(input: Record<string, unknown>) {
    const name = requireString(input, 'Name');
    if (!BUS_NAME.test(name) || name.includes('/')) {
      throw validation(`Event bus name ${name} is not valid: use 1 to 256 letters, digits, '.', '-' or '_'.`);
    }
    if (this.buses.has(name))
      throw new AwsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const bus = this.addBus(name);
    const description = optionalString(input, 'Description');
    if (description !== undefined) bus.description = description;
    return { EventBusArn: this.busArn(name) };
  }

  private describeEventBus(input: Record<string, unknown>) {
    return this.busView(this.bus(optionalString(input, 'Name')));
  }

  private listEventBuses(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const buses = [...this.buses.values()]
      .filter((b) => b.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = paginate(buses, input);
    return { EventBuses: page.map((b) => this.busView(b)), ...optional('NextToken', next) };
  }

  // -------------------------------------------------------------------------------------

  private reset(): void {
    this.buses.clear();
    for (const name of [DEFAULT_BUS, ...(this.options.buses ?? ['cutover'])]) this.addBus(name);
  }

  private addBus(name: string): Bus {
    const bus: Bus = { name, createdAt: this.options.clock.now(), rules: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  /** A bus by name or ARN (the default bus when absent), or ResourceNotFoundException. */
  private bus(nameOrArn: string | undefined): Bus {
    const name = busNameOf(nameOrArn);
    const bus = this.buses.get(name);
    if (bus === undefined)
      throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  private findRule(busName: string | undefined, name: string): Rule {
    const bus = this.bus(busName);
    const rule = bus.rules.get(name);
    if (rule === undefined) {
      throw new AwsError('ResourceNotFoundException', `Rule ${name} does not exist on EventBus ${bus.name}.`);
    }
    return rule;
  }

  private busArn(name: string): string {
    return `arn:aws:events:${this.options.region}:${this.options.account}:event-bus/${name}`;
  }

  private ruleArn(rule: Rule): string {
    const path = rule.eventBusName === 'default' ? rule.name : `${rule.eventBusName}/${rule.name}`;
    return `arn:aws:events:${this.options.region}:${this.options.account}:rule/${path}`;
  }

  private ruleView(rule: Rule) {
    return {
      Name: rule.name,
      Arn: this.ruleArn(rule),
      ...optional('EventPattern', rule.eventPattern),
      ...optional('ScheduleExpression', rule.scheduleExpression),
      State: rule.state,
      ...optional('Description', rule.description),
      EventBusName: rule.eventBusName,
    };
  }

  private busView(bus: Bus) {
    return {
      Name: bus.name,
      Arn: this.busArn(bus.name),
      ...optional('Description', bus.description),
      CreationTime: new Date(bus.createdAt),
      LastModifiedTime: new Date(bus.createdAt),
    };
  }
}

/** Parses and validates an EventPattern string, or InvalidEventPatternException with AWS's reason. */
function parsePattern(text: string): EventPattern {
  let pattern: unknown;
  try {
    pattern = JSON.parse(text);
  } catch (error) {
    throw invalidPattern(`the pattern is not valid JSON (${(error as Error).message})`);
  }
  const [problem] = validatePattern(pattern);
  if (problem !== undefined) {
    throw invalidPattern(problem.path === '' ? problem.message : `${problem.message} at ${problem.path}`);
  }
  return pattern as EventPattern;
}

function invalidPattern(reason: string): AwsError {
  return new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
}

function ruleName(input: Record<string, unknown>, field: string): string {
  const name = requireString(input, field);
  if (!NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at '${field.toLowerCase()}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length at most 64`,
    );
  }
  return name;
}

/** `arn:aws:events:<region>:<account>:event-bus/<name>` or a name; the default bus when absent. */
function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return 'default';
  return /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** PutEvents' Time: epoch seconds as the SDKs send it, or an ISO 8601 string; now when absent. */
function entryTime(value: unknown, now: number): number | undefined {
  if (value === undefined || value === null) return now;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Limit (1–100) and NextToken (an offset this service issued) over a sorted list. */
function paginate<T>(items: T[], input: Record<string, unknown>): { page: T[]; next?: string } {
  const limit = optionalNumber(input, 'Limit') ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw validation(
      "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value between 1 and 100",
    );
  }
  const token = optionalString(input, 'NextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'));
  if (!Number.isInteger(start) || start < 0) throw validation('The NextToken is not valid.');
  const page = items.slice(start, start + limit);
  const end = start + page.length;
  return end < items.length
    ? { page, next: Buffer.from(String(end), 'utf8').toString('base64url') }
    : { page };
}

/** `{ [key]: value }` when the value is there, `{}` when not: AWS omits absent members. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
