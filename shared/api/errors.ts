// API errors: an HTTP status, a stable code, and a message that says what to fix.
// The body is {"error": {"code", "message", "problems"?}}; never a stack trace.

import type { Problem } from '../domain/errors.js';

export class ApiError extends Error {
  override readonly name = 'ApiError' as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems?: readonly Problem[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, problems?: readonly Problem[]) =>
  new ApiError(400, 'BadRequest', message, problems);
export const notFound = (message: string) => new ApiError(404, 'NotFound', message);
export const conflict = (code: string, message: string) => new ApiError(409, code, message);
export const unprocessable = (message: string, problems?: readonly Problem[]) =>
  new ApiError(422, 'Unprocessable', message, problems);
