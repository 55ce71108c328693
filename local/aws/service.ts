// What a local AWS service is: named operations over plain data. The protocol
// layers (json-protocol.ts, query-protocol.ts) turn wire requests into calls of
// these and their results (or AwsError) back into what the SDK expects.

import { AwsError } from '../errors.js';

/** Who sent a request: the access key id it is signed with (undefined for the local cloud's own calls). */
export interface Caller {
  accessKeyId?: string;
}

export type Operation = (input: Record<string, unknown>, caller?: Caller) => unknown;

export interface LocalService {
  /** As in AWS error messages and logs, e.g. `ecs`, `elasticloadbalancing`. */
  name: string;
  operations: Record<string, Operation>;
}

export const validation = (message: string) => new AwsError('ValidationException', message);

/** Reads a required string field, or answers ValidationException naming it. */
export function requireString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

export function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validation(`Value at '${field}' must be a string`);
  return value;
}

export function optionalNumber(input: Record<string, unknown>, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw validation(`Value at '${field}' must be a number`);
  return number;
}

export function optionalList<T = unknown>(input: Record<string, unknown>, field: string): T[] {
  const value = input[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw validation(`Value at '${field}' must be a list`);
  return value as T[];
}
