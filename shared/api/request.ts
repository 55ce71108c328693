// An HTTP request as the API sees it, whether it came through API Gateway (functions/api.ts)
// or the local server, and the checks every body goes through before any route sees it.

import * as z from '../domain/zod.js';
import { reservedActorPrefix } from '../domain/actors.js';
import { friendlyMessage, zodProblems } from '../domain/catalog.js';
import { firstUnsafeCharacter } from '../domain/control-characters.js';
import { ApiError, badRequest, unprocessable } from './errors.js';

export interface ApiRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  /** Who is asking: the caller's IAM ARN on AWS, `operator:<name>` locally (docs/api.md, Actors). */
  actor: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const MAX_BODY_BYTES = 16 * 1024;

/** The JSON object in the body, or `{}` when there is none. */
export function jsonBody(request: ApiRequest): Record<string, unknown> {
  const text = request.body ?? '';
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new ApiError(413, 'PayloadTooLarge', `the body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
  }
  if (text.trim() === '') return {};
  const type = request.headers['content-type'] ?? 'application/json';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, 'UnsupportedMediaType', `send the body as application/json, not ${type}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('the body must be a JSON object');
  refuseUnsafeCharacters(value);
  return value as Record<string, unknown>;
}

/**
 * Every string in the body, and every field name, is free of control characters (see
 * shared/domain/control-characters.ts): whatever is stored is shown later, in a terminal or a
 * page, and must not be able to rewrite it. Tabs and line breaks are refused too: a reason is
 * one line, so it cannot forge a second one.
 */
function refuseUnsafeCharacters(body: object): void {
  // Iterative: a 16 KiB body can nest thousands deep.
  const pending: [unknown, string][] = [[body, '']];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      const unsafe = firstUnsafeCharacter(value);
      if (unsafe === undefined) continue;
      throw badRequest(
        `${path} has the control character ${unsafe.description} at index ${unsafe.index}; ` +
          'send plain text on one line, without escape sequences, tabs or line breaks',
        [{ path, message: `has the control character ${unsafe.description}` }],
      );
    }
    if (value === null || typeof value !== 'object') continue;
    for (const [key, item] of Object.entries(value)) {
      if (firstUnsafeCharacter(key) !== undefined) {
        throw badRequest(`a field name in ${path || 'the body'} has a control character; send plain names`);
      }
      pending.push([item, Array.isArray(value) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`]);
    }
  }
}

/**
 * Refuses an actor a client may not act as: one with a control character, or one of the names
 * Cutover writes for its own records (shared/domain/actors.ts).
 */
export function checkClientActor(actor: string): void {
  const unsafe = firstUnsafeCharacter(actor);
  if (unsafe !== undefined) {
    throw badRequest(`the actor has the control character ${unsafe.description}; use plain text`);
  }
  const reserved = reservedActorPrefix(actor);
  if (reserved !== undefined) {
    throw badRequest(
      `the actor ${JSON.stringify(actor)} uses the reserved prefix "${reserved}", which Cutover writes ` +
        'for its own records; act as yourself (operator:<name> in X-Cutover-Actor locally, your IAM principal on AWS)',
    );
  }
}

/** Parses a body with a schema; what does not fit is a 422 listing every problem. */
export function parseBody<Schema extends z.ZodMiniType>(
  request: ApiRequest,
  schema: Schema,
): z.output<Schema> {
  const parsed = schema.safeParse(jsonBody(request), { error: friendlyMessage });
  if (!parsed.success) {
    const problems = zodProblems(parsed.error);
    throw unprocessable(
      `the request is not valid:\n${problems.map((p) => `${p.path || '(body)'}: ${p.message}`).join('\n')}`,
      problems,
    );
  }
  return parsed.data;
}

/** A person's reason: trimmed, 1 to 1000 characters of valid Unicode. */
export const givenReasonSchema = z
  .string()
  .check(
    z.trim(),
    z.minLength(1),
    z.maxLength(1000),
    z.regex(
      /^\P{Surrogate}*$/u,
      'must be valid Unicode text; it has a lone surrogate (an unpaired \\ud800-\\udfff escape)',
    ),
  );

export const reasonSchema = z.optional(givenReasonSchema);
