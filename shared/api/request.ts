// An HTTP request as the API sees it, whether it came through API Gateway (functions/api.ts)
// or the local server, and the checks every body goes through before any route sees it.

import { z } from 'zod';
import { friendlyMessage, zodProblems } from '../domain/catalog.js';
import { ApiError, badRequest, unprocessable } from './errors.js';

export interface ApiRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body?: string | undefined;
  /** Who is asking: an IAM ARN on AWS, `operator:<name>` locally. */
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
  return value as Record<string, unknown>;
}

/** Parses a body with a schema; what does not fit is a 422 listing every problem. */
export function parseBody<Schema extends z.ZodType>(request: ApiRequest, schema: Schema): z.output<Schema> {
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

export const reasonSchema = z
  .string()
  .trim()
  .min(1)
  .max(1000)
  .regex(
    /^\P{Surrogate}*$/u,
    'must be valid Unicode text; it has a lone surrogate (an unpaired \\ud800-\\udfff escape)',
  )
  .optional();
