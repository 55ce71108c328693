// The local EventBridge's buses, rules and targets: what PutRule, PutTargets, CreateEventBus and
// their readers and removers change and show, and what a snapshot keeps. Delivering events to
// the targets of matching rules is eventbridge.ts.

import { isRecord, optional } from '../../shared/domain/records.js';
import type { SimClock } from '../clock.js';
import type { EventPattern } from './event-pattern.js';
import { busNameOf, paginate, parsePattern, ruleName, NAME } from './eventbridge-input.js';
import { optionalList, optionalString, requireString, validation } from './service.js';
import { AwsError } from '../errors.js';

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

export type RuleState = 'ENABLED' | 'DISABLED';

export interface Target {
  id: string;
  arn: string;
  /** The function the ARN names: arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]. */
  functionName: string;
}

export interface Rule {
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

export interface Bus {
  name: string;
  description?: string;
  createdAt: number;
  rules: Map<string, Rule>;
}

/** The bus that exists from the start: AWS's default. */
const DEFAULT_BUS = 'default';
/** AWS: at most 5 targets per rule. */
const MAX_TARGETS_PER_RULE = 5;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/;

export interface EventBusesOptions {
  clock: SimClock;
  region: string;
  account: string;
  /** The custom buses the stack creates, besides `default` (default: `cutover`). */
  buses?: readonly string[];
}

export class EventBuses {
  private readonly buses = new Map<string, Bus>();

  constructor(private readonly options: EventBusesOptions) {
    this.reset();
  }

  /** A bus by name, or undefined. */
  get(name: string): Bus | undefined {
    return this.buses.get(name);
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
  // Rules and targets

  putRule(input: Record<string, unknown>) {
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

  describeRule(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Name'));
    return { ...this.ruleView(rule), CreatedBy: this.options.account };
  }

  listRules(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const rules = [...this.bus(optionalString(input, 'EventBusName')).rules.values()]
      .filter((r) => r.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = paginate(rules, input);
    return { Rules: page.map((r) => this.ruleView(r)), ...optional('NextToken', next) };
  }

  deleteRule(input: Record<string, unknown>) {
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

  setState(input: Record<string, unknown>, state: RuleState) {
    this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Name')).state = state;
    return {};
  }

  putTargets(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Rule'));
    const targets = optionalList(input, 'Targets');
    if (targets.length === 0 || targets.length > 10) {
      throw validation(
        "1 validation error detected: Value at 'targets' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const failures: { TargetId: string; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const target of targets) {
      const id = isRecord(target) && typeof target.Id === 'string' ? target.Id : '';
      const arn = isRecord(target) && typeof target.Arn === 'string' ? target.Arn : '';
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
        (f) => isRecord(target) && target[f] !== undefined && target[f] !== null,
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

  listTargetsByRule(input: Record<string, unknown>) {
    const rule = this.findRule(optionalString(input, 'EventBusName'), ruleName(input, 'Rule'));
    const { page, next } = paginate([...rule.targets.values()], input);
    return { Targets: page.map((t) => ({ Id: t.id, Arn: t.arn })), ...optional('NextToken', next) };
  }

  removeTargets(input: Record<string, unknown>) {
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

  createEventBus(input: Record<string, unknown>) {
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

  describeEventBus(input: Record<string, unknown>) {
    return this.busView(this.bus(optionalString(input, 'Name')));
  }

  listEventBuses(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const buses = [...this.buses.values()]
      .filter((b) => b.name.startsWith(prefix))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = paginate(buses, input);
    return { EventBuses: page.map((b) => this.busView(b)), ...optional('NextToken', next) };
  }

  // -------------------------------------------------------------------------------------
  // Lookups and views

  reset(): void {
    this.buses.clear();
    for (const name of [DEFAULT_BUS, ...(this.options.buses ?? ['cutover'])]) this.addBus(name);
  }

  addBus(name: string): Bus {
    const bus: Bus = { name, createdAt: this.options.clock.now(), rules: new Map() };
    this.buses.set(name, bus);
    return bus;
  }

  /** A bus by name or ARN (the default bus when absent), or ResourceNotFoundException. */
  bus(nameOrArn: string | undefined): Bus {
    const name = busNameOf(nameOrArn);
    const bus = this.buses.get(name);
    if (bus === undefined)
      throw new AwsError('ResourceNotFoundException', `Event bus ${name} does not exist.`);
    return bus;
  }

  findRule(busName: string | undefined, name: string): Rule {
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
