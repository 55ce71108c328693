// EventBridge Scheduler's wire protocol (REST-JSON): the operation is in the method and
// path (`POST /schedules/{Name}`), group names and filters in the query string, the rest in
// a JSON body. Errors carry their code in `x-amzn-errortype` and the status AWS gives it
// (404 not found, 409 conflict); timestamps go out as epoch seconds.

import type { IncomingHttpHeaders } from 'node:http';
import type { WireResponse } from './json-protocol.js';
import type { LocalService } from './service.js';
import { AwsError } from '../errors.js';

/** A request whose SigV4 credential scope names `scheduler`. */
export function signedForScheduler(headers: IncomingHttpHeaders): boolean {
  return /\bCredential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/scheduler\/aws4_request\b/.test(
    String(headers.authorization ?? ''),
  );
}

export interface SchedulerRequest {
  operation: string;
  input: Record<string, unknown>;
}

/** The operation and input a request names, or AwsError for a path no operation has. */
export function parseSchedulerRequest(method: string, url: string, body: string): SchedulerRequest {
  const parsed = new URL(url, 'http://scheduler.local');
  const [collection = '', rawName, ...rest] = parsed.pathname.split('/').slice(1);
  const query = parsed.searchParams;
  const name = rawName === undefined ? undefined : decodeURIComponent(rawName);
  const routes: Record<string, string> = {
    'POST schedules 1': 'CreateSchedule',
    'GET schedules 1': 'GetSchedule',
    'DELETE schedules 1': 'DeleteSchedule',
    'GET schedules 0': 'ListSchedules',
    'POST schedule-groups 1': 'CreateScheduleGroup',
    'GET schedule-groups 1': 'GetScheduleGroup',
  };
  const operation =
    rest.length > 0 ? undefined : routes[`${method} ${collection} ${name === undefined ? 0 : 1}`];
  if (operation === undefined)
    throw new AwsError(
      'UnknownOperationException',
      `the local Scheduler does not answer ${method} ${parsed.pathname}`,
    );
  let input: Record<string, unknown> = {};
  if (body.trim() !== '') {
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new AwsError('SerializationException', 'the request body is not valid JSON');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input))
      throw new AwsError('SerializationException', 'the request body must be a JSON object');
  }
  if (name !== undefined) input.Name = name;
  const fromQuery = {
    groupName: 'GroupName',
    ScheduleGroup: 'GroupName',
    NamePrefix: 'NamePrefix',
    State: 'State',
  };
  for (const [key, field] of Object.entries(fromQuery)) {
    const value = query.get(key);
    if (value !== null) input[field] = value;
  }
  return { operation, input };
}

/** Runs a parsed request on the service and answers it as Scheduler does. */
export async function handleScheduler(
  service: LocalService,
  request: SchedulerRequest,
): Promise<WireResponse> {
  const headers = { 'content-type': 'application/json', 'x-amzn-requestid': crypto.randomUUID() };
  try {
    const output = await service.operations[request.operation]!(request.input);
    return { status: 200, headers, body: JSON.stringify(output ?? {}, epochSeconds) };
  } catch (error) {
    return schedulerError(error, headers);
  }
}

export function schedulerError(error: unknown, headers: Record<string, string> = {}): WireResponse {
  const e =
    error instanceof AwsError
      ? error
      : new AwsError(
          'InternalServerException',
          `the local Scheduler failed: ${String(error)}`,
          500,
          'Receiver',
        );
  return {
    status: e.status,
    headers: { 'content-type': 'application/json', ...headers, 'x-amzn-errortype': e.code },
    body: JSON.stringify({ Message: e.message }),
  };
}

function epochSeconds(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}
