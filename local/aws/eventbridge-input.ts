// Reading the local EventBridge's requests: names, bus names and ARNs, event patterns, PutEvents
// times, and pagination, each refused the way EventBridge refuses it.

import { validatePattern, type EventPattern } from './event-pattern.js';
import { optionalNumber, optionalString, requireString, validation } from './service.js';
import { AwsError } from '../errors.js';

/** A rule's or a target's name: 1 to 64 letters, digits, '.', '-' or '_'. */
export const NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/** Parses and validates an EventPattern string, or InvalidEventPatternException with AWS's reason. */
export function parsePattern(text: string): EventPattern {
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

export function ruleName(input: Record<string, unknown>, field: string): string {
  const name = requireString(input, field);
  if (!NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name}' at '${field.toLowerCase()}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length at most 64`,
    );
  }
  return name;
}

/** `arn:aws:events:<region>:<account>:event-bus/<name>` or a name; the default bus when absent. */
export function busNameOf(nameOrArn: string | undefined): string {
  if (nameOrArn === undefined || nameOrArn === '') return 'default';
  return /^arn:[^:]+:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(nameOrArn)?.[1] ?? nameOrArn;
}

/** PutEvents' Time: epoch seconds as the SDKs send it, or an ISO 8601 string; now when absent. */
export function entryTime(value: unknown, now: number): number | undefined {
  if (value === undefined || value === null) return now;
  const ms = typeof value === 'number' ? value * 1000 : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** Limit (1–100) and NextToken (an offset this service issued) over a sorted list. */
export function paginate<T>(items: T[], input: Record<string, unknown>): { page: T[]; next?: string } {
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
