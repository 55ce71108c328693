// EventBridge Scheduler's input rules, as its API reference states them, for the local
// Scheduler (scheduler.ts): names, the one-time `at()` expression, the flexible window, the
// target and its retry policy. What AWS refuses is refused here, as ValidationException.

import { AwsError } from '../errors.js';

const NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
/** The universal targets the local Scheduler can call: Step Functions' task-token answers. */
export const UNIVERSAL_TARGETS = new Map([
  ['arn:aws:scheduler:::aws-sdk:sfn:sendTaskSuccess', 'SendTaskSuccess'],
  ['arn:aws:scheduler:::aws-sdk:sfn:sendTaskFailure', 'SendTaskFailure'],
]);

/** A Lambda function target (a templated target): the schedule invokes it with Input as its event. */
const FUNCTION_TARGET =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9$_-]+)?$/;

/** The call a target makes: a universal target's API action, or `Invoke` for a Lambda function. */
export function actionOf(arn: string): string | undefined {
  return UNIVERSAL_TARGETS.get(arn) ?? (FUNCTION_TARGET.test(arn) ? 'Invoke' : undefined);
}

export interface ScheduleTarget {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
}

export const invalid = (message: string) => new AwsError('ValidationException', message);

export function checkName(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value))
    throw invalid(`${field} must be 1 to 64 characters of [0-9a-zA-Z-_.], got ${JSON.stringify(value)}`);
  return value;
}

/** The time (ms) an `at(yyyy-mm-ddThh:mm:ss)` expression names, in UTC. */
export function parseAt(expression: unknown, timezone: unknown): number {
  if (timezone !== undefined && timezone !== null && timezone !== 'UTC' && timezone !== 'Etc/UTC')
    throw invalid(`the local Scheduler evaluates expressions in UTC only, not ${JSON.stringify(timezone)}`);
  const match = typeof expression === 'string' ? AT.exec(expression) : null;
  if (match === null) {
    throw invalid(
      `Invalid Schedule Expression ${JSON.stringify(expression)}: the local Scheduler runs one-time schedules, at(yyyy-mm-ddThh:mm:ss)`,
    );
  }
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map(Number);
  const at = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(at);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    throw invalid(`Invalid Schedule Expression ${match[0]}: not a date and time`);
  return at;
}

export function checkWindow(value: unknown): void {
  const window = value as { Mode?: unknown; MaximumWindowInMinutes?: unknown } | undefined;
  if (window === undefined || window === null || typeof window !== 'object')
    throw invalid('FlexibleTimeWindow is required');
  if (window.Mode === 'OFF') {
    if (window.MaximumWindowInMinutes !== undefined)
      throw invalid('MaximumWindowInMinutes must not be set when FlexibleTimeWindow Mode is OFF');
    return;
  }
  if (window.Mode !== 'FLEXIBLE') throw invalid(`FlexibleTimeWindow.Mode must be OFF or FLEXIBLE`);
  throw invalid('the local Scheduler fires at the time given: use FlexibleTimeWindow Mode OFF');
}

export function checkTarget(value: unknown): ScheduleTarget {
  const target = value as Partial<ScheduleTarget> | undefined;
  if (target === undefined || target === null || typeof target !== 'object')
    throw invalid('Target is required');
  if (typeof target.Arn !== 'string' || target.Arn.length < 1 || target.Arn.length > 1600)
    throw invalid('Target.Arn must be 1 to 1600 characters');
  if (typeof target.RoleArn !== 'string' || !ROLE_ARN.test(target.RoleArn))
    throw invalid(`Target.RoleArn must be an IAM role ARN, got ${JSON.stringify(target.RoleArn)}`);
  const action = actionOf(target.Arn);
  if (action === undefined)
    throw invalid(
      `the local Scheduler cannot call the target ${target.Arn}: it calls Lambda functions and Step Functions' task-token answers`,
    );
  if (target.Input !== undefined && (typeof target.Input !== 'string' || target.Input.length > 8192))
    throw invalid('Target.Input must be a string of at most 8192 characters');
  const input = parseInput(target.Input);
  if (action !== 'Invoke' && (typeof input.TaskToken !== 'string' || input.TaskToken === ''))
    throw invalid(`Target.Input must give the TaskToken ${action} needs`);
  const retry = target.RetryPolicy;
  if (retry !== undefined) {
    const age = retry.MaximumEventAgeInSeconds;
    const attempts = retry.MaximumRetryAttempts;
    if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 86_400))
      throw invalid('RetryPolicy.MaximumEventAgeInSeconds must be from 60 to 86400');
    if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0 || attempts > 185))
      throw invalid('RetryPolicy.MaximumRetryAttempts must be from 0 to 185');
  }
  return target as ScheduleTarget;
}

/** A target's Input: a universal target's API request fields, or a function's event, as a JSON object. */
export function parseInput(text: unknown): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(typeof text === 'string' ? text : '');
    if (input !== null && typeof input === 'object' && !Array.isArray(input))
      return input as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw invalid('Target.Input must be a JSON object: the fields of the API request the target makes');
}

export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  field: string,
  fallback: T,
): T {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
    throw invalid(`${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}
