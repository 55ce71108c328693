// Reading ELBv2 request parameters. The query protocol delivers every scalar as a string
// (`Port=80`, `Enabled=true`) and an empty list as an empty string (`Conditions=`); calls from
// inside the process may pass real numbers and booleans. Bad input is AWS's `ValidationError`.

import { AwsError } from '../errors.js';

export type Input = Record<string, unknown>;

export const validationError = (message: string) => new AwsError('ValidationError', message);

export function requiredString(input: Input, field: string): string {
  const value = optionalString(input, field);
  if (value === undefined || value === '') throw validationError(`${field} is required`);
  return value;
}

export function optionalString(input: Input, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw validationError(`${field} must be a string`);
  return value;
}

/** An integer within [min, max], or undefined when absent. */
export function optionalInteger(input: Input, field: string, min: number, max: number): number | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw validationError(`${field} must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return number;
}

export function requiredInteger(input: Input, field: string, min: number, max: number): number {
  const value = optionalInteger(input, field, min, max);
  if (value === undefined) throw validationError(`${field} is required`);
  return value;
}

export function optionalBoolean(input: Input, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw validationError(`${field} must be true or false, not ${JSON.stringify(value)}`);
}

/** A list parameter; absent and empty (`Field=` on the wire) are both []. */
export function list(input: Input, field: string): unknown[] {
  const value = input[field];
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) throw validationError(`${field} must be a list`);
  return value as unknown[];
}

export function stringList(input: Input, field: string): string[] {
  return list(input, field).map((item) => {
    if (typeof item !== 'string' || item === '')
      throw validationError(`${field} must list non-empty strings`);
    return item;
  });
}

/** A structure parameter (or list member), as an object. */
export function structure(value: unknown, field: string): Input {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw validationError(`${field} must be a structure`);
  }
  return value as Input;
}

export function optionalStructure(input: Input, field: string): Input | undefined {
  const value = input[field];
  return value === undefined || value === null ? undefined : structure(value, field);
}

/**
 * One page of a Describe* answer. The marker is opaque to callers (AWS's are too): here the
 * offset of the next item, base64url-encoded.
 */
export function paginate<T>(items: T[], input: Input): { page: T[]; nextMarker?: string } {
  const pageSize = optionalInteger(input, 'PageSize', 1, 400) ?? 400;
  const marker = optionalString(input, 'Marker');
  const start =
    marker === undefined || marker === '' ? 0 : Number(Buffer.from(marker, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw validationError(`Marker '${marker}' is not one this endpoint handed out`);
  }
  const end = start + pageSize;
  return {
    page: items.slice(start, end),
    ...(end < items.length ? { nextMarker: Buffer.from(String(end)).toString('base64url') } : {}),
  };
}
