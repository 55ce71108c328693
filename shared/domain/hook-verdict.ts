// What a lifecycle hook's answer means. A hook passes only when it says so in one of the two
// contracts Cutover recognises, each read explicitly; anything else fails it (fail closed), as
// ECS's own deployments fail a hook without a valid `hookStatus`:
// - Cutover's own: `{status: 'Succeeded' | 'Failed', message?}`.
// - ECS's lifecycle-hook response: `{hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS',
//   callBackDelay?, hookDetails?}`. IN_PROGRESS asks to be called again after `callBackDelay`
//   seconds (ECS's default, 30), with `hookDetails` passed back.
//   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html
// The third contract, a function that throws, is the runner's to report: it never gets here.

import { isRecord } from './records.js';

export type HookVerdict =
  | { status: 'Succeeded'; message?: string | undefined }
  | { status: 'Failed'; message: string }
  | { status: 'InProgress'; callBackDelaySeconds: number; hookDetails?: Record<string, unknown> | undefined };

/** ECS calls an IN_PROGRESS hook again after 30 s unless it gives a callBackDelay. */
export const DEFAULT_CALL_BACK_DELAY_SECONDS = 30;
/** The longest wait one IN_PROGRESS answer may ask for; the hook's own timeout still bounds the total. */
export const MAX_CALL_BACK_DELAY_SECONDS = 3_600;
/** A hook's message is shown to operators and recorded; a stack-sized one is cut. */
export const MAX_HOOK_MESSAGE_LENGTH = 1_000;
/** hookDetails are kept with the deployment between calls: a DynamoDB item holds at most 400 KB. */
export const MAX_HOOK_DETAILS_BYTES = 32 * 1024;

const CUTOVER_STATUSES = ['Succeeded', 'Failed'];
const ECS_STATUSES = ['SUCCEEDED', 'FAILED', 'IN_PROGRESS'];

/** The verdict an answer stands for; an answer in neither contract is Failed, and quoted. */
export function hookVerdict(answer: unknown): HookVerdict {
  if (!isRecord(answer)) return unrecognised(answer);
  const cutover = 'status' in answer;
  const ecs = 'hookStatus' in answer;
  if (cutover && ecs) {
    return failed(
      `the hook answered both status and hookStatus, so its verdict is ambiguous: ${quote(answer)}`,
    );
  }
  if (cutover) return cutoverVerdict(answer);
  if (ecs) return ecsVerdict(answer);
  return unrecognised(answer);
}

function cutoverVerdict(answer: Record<string, unknown>): HookVerdict {
  const { status, message } = answer;
  if (typeof status !== 'string' || !CUTOVER_STATUSES.includes(status)) {
    return failed(`the hook answered status ${quote(status)}, not 'Succeeded' or 'Failed': ${quote(answer)}`);
  }
  if (message !== undefined && typeof message !== 'string') {
    return failed(`the hook's message is not text: ${quote(answer)}`);
  }
  if (status === 'Failed') return failed(message ?? 'the hook answered Failed without a message');
  return { status: 'Succeeded', ...(message === undefined ? {} : { message: cut(message) }) };
}

function ecsVerdict(answer: Record<string, unknown>): HookVerdict {
  const { hookStatus, callBackDelay, hookDetails } = answer;
  if (typeof hookStatus !== 'string' || !ECS_STATUSES.includes(hookStatus)) {
    return failed(
      `the hook answered hookStatus ${quote(hookStatus)}, not SUCCEEDED, FAILED or IN_PROGRESS: ${quote(answer)}`,
    );
  }
  if (hookStatus === 'SUCCEEDED') return { status: 'Succeeded' };
  if (hookStatus === 'FAILED') return failed('the hook answered hookStatus FAILED');
  const delay = callBackDelay ?? DEFAULT_CALL_BACK_DELAY_SECONDS;
  if (
    typeof delay !== 'number' ||
    !Number.isInteger(delay) ||
    delay < 1 ||
    delay > MAX_CALL_BACK_DELAY_SECONDS
  ) {
    return failed(
      `the hook answered IN_PROGRESS with callBackDelay ${quote(callBackDelay)}; ` +
        `it is a whole number of seconds from 1 to ${MAX_CALL_BACK_DELAY_SECONDS}`,
    );
  }
  if (hookDetails !== undefined && !isRecord(hookDetails)) {
    return failed(
      `the hook answered IN_PROGRESS with hookDetails that are not an object: ${quote(hookDetails)}`,
    );
  }
  if (
    hookDetails !== undefined &&
    new TextEncoder().encode(JSON.stringify(hookDetails)).length > MAX_HOOK_DETAILS_BYTES
  ) {
    return failed(`the hook answered IN_PROGRESS with hookDetails over ${MAX_HOOK_DETAILS_BYTES / 1024} KiB`);
  }
  return {
    status: 'InProgress',
    callBackDelaySeconds: delay,
    ...(hookDetails === undefined ? {} : { hookDetails }),
  };
}

function unrecognised(answer: unknown): HookVerdict {
  return failed(
    `the hook answered ${quote(answer)}, which is neither Cutover's {status: 'Succeeded' | 'Failed'} ` +
      `nor ECS's {hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'}`,
  );
}

const failed = (message: string): HookVerdict => ({ status: 'Failed', message: cut(message) });

/** The answer as JSON, for a reason a person reads; `undefined` (a function that returned nothing) by name. */
export function quote(value: unknown): string {
  if (value === undefined) return 'nothing';
  return JSON.stringify(value) ?? 'a value JSON cannot hold';
}

export function cut(message: string): string {
  return message.length <= MAX_HOOK_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_HOOK_MESSAGE_LENGTH - 1)}…`;
}
