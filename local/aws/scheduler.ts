// EventBridge Scheduler, as far as a bake's end and a hook's next call need it: one-time
// schedules (`at(...)`) in schedule groups, whose target is a Step Functions task-token answer
// (the universal targets sfn:sendTaskSuccess and sfn:sendTaskFailure) or a Lambda function
// (invoked with the Input as its event; AWS invokes it asynchronously, this waits for it). A schedule fires on the simulated
// clock (`runDue`), making its target's call as the schedule's role (IAM-checked), and is
// deleted after it runs when its ActionAfterCompletion is DELETE. A call that fails (a
// token already answered) fails harmlessly, as on AWS: it is counted, nothing else happens.
// Groups and schedules survive a restart (snapshot/restore).

import {
  checkName,
  checkTarget,
  checkWindow,
  invalid,
  oneOf,
  parseAt,
  actionOf,
  type ScheduleTarget,
} from './scheduler-input.js';
import { optionalString, type LocalService } from './service.js';
import { AwsError } from '../errors.js';

export interface StoredSchedule {
  name: string;
  group: string;
  expression: string;
  at: number;
  state: 'ENABLED' | 'DISABLED';
  afterCompletion: 'NONE' | 'DELETE';
  description?: string | undefined;
  target: ScheduleTarget;
  createdAt: number;
  /** Fired already (a schedule kept after it ran, ActionAfterCompletion NONE). */
  fired?: boolean;
}

/** A target's call: the API action (`SendTaskSuccess`, or `Invoke` of function `arn`), its input, made as `roleArn`. */
export type InvokeTarget = (call: {
  action: string;
  input: Record<string, unknown>;
  roleArn: string;
  arn: string;
}) => Promise<void>;

export interface SchedulerOptions {
  region: string;
  account: string;
  now: () => number;
  invoke: InvokeTarget;
  log?: (line: string) => void;
}

interface SchedulerSnapshot {
  version: 1;
  groups: { name: string; createdAt: number }[];
  schedules: StoredSchedule[];
}

export class LocalScheduler {
  readonly service: LocalService;
  private readonly groups = new Map<string, number>([['default', 0]]);
  private readonly schedules = new Map<string, StoredSchedule>();
  private readonly running = new Set<string>();
  /** What firing did: target calls made, and the ones that failed. */
  readonly stats = { invoked: 0, failed: 0 };

  constructor(private readonly options: SchedulerOptions) {
    this.service = {
      name: 'scheduler',
      operations: {
        CreateScheduleGroup: (i) => this.createGroup(i),
        GetScheduleGroup: (i) => this.describeGroup(this.group(i.Name)),
        CreateSchedule: (i) => this.create(i),
        GetSchedule: (i) => this.describe(this.find(i)),
        DeleteSchedule: (i) => this.delete(i),
        ListSchedules: (i) => this.list(i),
      },
    };
  }

  /** Creates a template's group at start, as deploying the stack does; one that exists is kept. */
  ensureGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, this.options.now());
  }

  get size(): number {
    return this.schedules.size;
  }

  /** Fires every enabled schedule whose time has come. */
  runDue(now: number): void {
    for (const [key, schedule] of this.schedules) {
      if (schedule.state !== 'ENABLED' || schedule.fired || schedule.at > now || this.running.has(key))
        continue;
      this.running.add(key);
      void this.fire(key, schedule).finally(() => this.running.delete(key));
    }
  }

  snapshot(): SchedulerSnapshot {
    return {
      version: 1,
      groups: [...this.groups].map(([name, createdAt]) => ({ name, createdAt })),
      schedules: [...this.schedules.values()],
    };
  }

  restore(data: unknown): void {
    const snapshot = data as Partial<SchedulerSnapshot> | null | undefined;
    // A folder saved before the Scheduler existed has none: it starts empty.
    if (snapshot === undefined || snapshot === null) return;
    if (snapshot.version !== 1 || !Array.isArray(snapshot.groups) || !Array.isArray(snapshot.schedules))
      throw new Error('restore: not a Scheduler snapshot (expected version 1 with groups and schedules)');
    for (const g of snapshot.groups) this.groups.set(g.name, g.createdAt);
    for (const s of snapshot.schedules) this.schedules.set(keyOf(s.group, s.name), s);
  }

  private async fire(key: string, schedule: StoredSchedule): Promise<void> {
    const action = actionOf(schedule.target.Arn)!;
    this.stats.invoked += 1;
    try {
      const input = JSON.parse(schedule.target.Input ?? '{}') as Record<string, unknown>;
      await this.options.invoke({
        action,
        input,
        roleArn: schedule.target.RoleArn,
        arn: schedule.target.Arn,
      });
    } catch (error) {
      this.stats.failed += 1;
      this.options.log?.(
        `schedule ${schedule.group}/${schedule.name}: ${action} failed: ${(error as Error).message}`,
      );
    }
    if (this.schedules.get(key) !== schedule) return;
    if (schedule.afterCompletion === 'DELETE') this.schedules.delete(key);
    else schedule.fired = true;
  }

  private createGroup(input: Record<string, unknown>) {
    const name = checkName(input.Name, 'Name');
    if (this.groups.has(name))
      throw new AwsError('ConflictException', `Schedule group ${name} already exists.`, 409);
    this.groups.set(name, this.options.now());
    return { ScheduleGroupArn: this.groupArn(name) };
  }

  private group(value: unknown): string {
    const name = value === undefined || value === null ? 'default' : checkName(value, 'GroupName');
    if (!this.groups.has(name))
      throw new AwsError('ResourceNotFoundException', `Schedule group ${name} does not exist.`, 404);
    return name;
  }

  private describeGroup(name: string) {
    const created = new Date(this.groups.get(name)!);
    return {
      Arn: this.groupArn(name),
      Name: name,
      State: 'ACTIVE',
      CreationDate: created,
      LastModificationDate: created,
    };
  }

  private create(input: Record<string, unknown>) {
    const name = checkName(input.Name, 'Name');
    const group = this.group(input.GroupName);
    const description = optionalString(input, 'Description');
    if (description !== undefined && description.length > 512)
      throw invalid('Description must be at most 512 characters');
    if (input.StartDate !== undefined || input.EndDate !== undefined)
      throw invalid('StartDate and EndDate do not apply to a one-time schedule');
    checkWindow(input.FlexibleTimeWindow);
    const schedule: StoredSchedule = {
      name,
      group,
      expression: String(input.ScheduleExpression),
      at: parseAt(input.ScheduleExpression, input.ScheduleExpressionTimezone),
      state: oneOf(input.State, ['ENABLED', 'DISABLED'] as const, 'State', 'ENABLED'),
      afterCompletion: oneOf(
        input.ActionAfterCompletion,
        ['NONE', 'DELETE'] as const,
        'ActionAfterCompletion',
        'NONE',
      ),
      description,
      target: checkTarget(input.Target),
      createdAt: this.options.now(),
    };
    const key = keyOf(group, name);
    if (this.schedules.has(key))
      throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    this.schedules.set(key, schedule);
    return { ScheduleArn: this.arn(schedule) };
  }

  private find(input: Record<string, unknown>): StoredSchedule {
    const name = checkName(input.Name, 'Name');
    const group = this.group(input.GroupName);
    const schedule = this.schedules.get(keyOf(group, name));
    if (schedule === undefined)
      throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return schedule;
  }

  private describe(s: StoredSchedule) {
    return {
      Arn: this.arn(s),
      Name: s.name,
      GroupName: s.group,
      ScheduleExpression: s.expression,
      ScheduleExpressionTimezone: 'UTC',
      State: s.state,
      ActionAfterCompletion: s.afterCompletion,
      Description: s.description,
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: s.target,
      CreationDate: new Date(s.createdAt),
      LastModificationDate: new Date(s.createdAt),
    };
  }

  private delete(input: Record<string, unknown>) {
    const schedule = this.find(input);
    this.schedules.delete(keyOf(schedule.group, schedule.name));
    return {};
  }

  private list(input: Record<string, unknown>) {
    const group = input.GroupName === undefined ? undefined : this.group(input.GroupName);
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const state =
      input.State === undefined
        ? undefined
        : oneOf(input.State, ['ENABLED', 'DISABLED'] as const, 'State', 'ENABLED');
    const schedules = [...this.schedules.values()]
      .filter((s) => (group === undefined || s.group === group) && s.name.startsWith(prefix))
      .filter((s) => state === undefined || s.state === state)
      .sort((a, b) => keyOf(a.group, a.name).localeCompare(keyOf(b.group, b.name)))
      .map((s) => ({
        Arn: this.arn(s),
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        CreationDate: new Date(s.createdAt),
        LastModificationDate: new Date(s.createdAt),
        Target: { Arn: s.target.Arn },
      }));
    return { Schedules: schedules };
  }

  private arn(s: StoredSchedule): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.account}:schedule/${s.group}/${s.name}`;
  }

  private groupArn(name: string): string {
    return `arn:aws:scheduler:${this.options.region}:${this.options.account}:schedule-group/${name}`;
  }
}

const keyOf = (group: string, name: string) => `${group}/${name}`;
