// A request to an AWS service that speaks the JSON protocol (1.0 or 1.1): `POST /` with
// `X-Amz-Target: <prefix>.<Operation>` and a JSON body, answered with JSON. It is how the
// Lambda bundles reach KMS (Sign, GetPublicKey), Step Functions (StartExecution,
// DescribeExecution, SendTaskSuccess, SendTaskFailure), DynamoDB (dynamodb-documents.ts),
// EventBridge (PutEvents), ECS and CloudWatch (DescribeAlarms, GetMetricData) without the
// SDK's clients for them, which carry every operation's models for the few calls made.
// Signing, transport and retries are signed-http.ts's. An error is named as the SDK names it,
// from the `__type` AWS answers with (the part after '#'), or for CloudWatch from its query
// code, with `$metadata.httpStatusCode`, so translateTransient and checks of `error.name` work
// as they do on the SDK's errors. Blobs and timestamps are left as the wire has them (base64
// text, epoch seconds): the adapters convert the few they use.

import { AwsServiceError } from './errors.js';
import { configOfSdkClient, isSdkClient, openedOnce, type SdkClientLike } from './sdk-client-config.js';
import { SignedHttp, type AwsHttpConfig, type HttpAnswer, type SigningService } from './signed-http.js';

export interface JsonService extends SigningService {
  /** X-Amz-Target's prefix: `TrentService`, `AWSStepFunctions`. */
  targetPrefix: string;
  /** The protocol's version, which the content type names: `application/x-amz-json-1.1`. */
  jsonVersion: '1.0' | '1.1';
  /**
   * For a service that moved from the query protocol (CloudWatch): its error codes there (sent
   * in `x-amzn-query-error: <code>;<fault>`), each to the name the SDK gives the error. A code
   * not listed is the error's name as it is.
   */
  queryErrors?: Record<string, string>;
}

/** One operation, with its input and output as the wire has them: what the adapters are given. */
export interface JsonCalls {
  call<Output>(operation: string, input: object): Promise<Output>;
}

export const KMS: JsonService = {
  signingName: 'kms',
  endpointPrefix: 'kms',
  targetPrefix: 'TrentService',
  jsonVersion: '1.1',
};

export const STEP_FUNCTIONS: JsonService = {
  signingName: 'states',
  endpointPrefix: 'states',
  targetPrefix: 'AWSStepFunctions',
  jsonVersion: '1.0',
};

export const DYNAMODB: JsonService = {
  signingName: 'dynamodb',
  endpointPrefix: 'dynamodb',
  targetPrefix: 'DynamoDB_20120810',
  jsonVersion: '1.0',
};

export const EVENTBRIDGE: JsonService = {
  signingName: 'events',
  endpointPrefix: 'events',
  targetPrefix: 'AWSEvents',
  jsonVersion: '1.1',
};

export const ECS: JsonService = {
  signingName: 'ecs',
  endpointPrefix: 'ecs',
  targetPrefix: 'AmazonEC2ContainerServiceV20141113',
  jsonVersion: '1.1',
};

export const CLOUDWATCH: JsonService = {
  signingName: 'monitoring',
  endpointPrefix: 'monitoring',
  targetPrefix: 'GraniteServiceVersion20100801',
  jsonVersion: '1.0',
  // From the SDK's CloudWatch models (each error's awsQueryError code).
  queryErrors: {
    InvalidParameterInput: 'DashboardInvalidInputError',
    InternalServiceError: 'InternalServiceFault',
    InvalidFormat: 'InvalidFormatFault',
    InvalidParameterCombination: 'InvalidParameterCombinationException',
    InvalidParameterValue: 'InvalidParameterValueException',
    LimitExceeded: 'LimitExceededFault',
    MissingParameter: 'MissingRequiredParameterException',
    ValidationError: 'ValidationException',
  },
};

export class JsonRequests implements JsonCalls {
  private readonly http: SignedHttp;
  private readonly contentType: string;

  constructor(
    private readonly service: JsonService,
    config: AwsHttpConfig,
  ) {
    this.http = new SignedHttp(service, config);
    this.contentType = `application/x-amz-json-${service.jsonVersion}`;
  }

  /** Calls `operation` with `input` (sent as JSON) and answers the parsed output. */
  async call<Output>(operation: string, input: object): Promise<Output> {
    const { queryErrors } = this.service;
    const body = await this.http.send(
      {
        method: 'POST',
        path: '/',
        headers: {
          'content-type': this.contentType,
          'x-amz-target': `${this.service.targetPrefix}.${operation}`,
          // As the SDK says it, so that such a service answers errors with their query codes.
          ...(queryErrors === undefined ? {} : { 'x-amzn-query-mode': 'true' }),
        },
        body: JSON.stringify(input),
      },
      queryErrors === undefined ? jsonError : (answer) => queryCompatibleError(answer, queryErrors),
    );
    return (body.trim() === '' ? {} : JSON.parse(body)) as Output;
  }
}

/**
 * The calls an adapter makes: `source` itself, or for an SDK client (the local cloud and the
 * tests build them), requests sent where it sends them, signed with its credentials and tried
 * as often. `id` is the SDK's service id in its environment form (`ECS`, `CLOUDWATCH`).
 */
export function jsonCalls(service: JsonService, source: JsonCalls | SdkClientLike, id: string): JsonCalls {
  return isSdkClient(source) ? jsonCallsOfSdkClient(service, source, id) : source;
}

/** Calls sent where `client` sends them, signed with its credentials and tried as often. */
export function jsonCallsOfSdkClient(service: JsonService, client: SdkClientLike, id: string): JsonCalls {
  const opened = openedOnce(async () => new JsonRequests(service, await configOfSdkClient(client, id)));
  return {
    call: async <Output>(operation: string, input: object) => (await opened()).call<Output>(operation, input),
  };
}

/** Where an error's code is read from: `__type`, a `code` field, the `x-amzn-errortype` header. */
export type ErrorCodeSource = 'type' | 'code' | 'header';
const JSON_ORDER: readonly ErrorCodeSource[] = ['type', 'code', 'header'];

/**
 * The error an answer outside 2xx stands for, named as the SDK's JSON protocols name it: from
 * `__type`, else a `code` field, else the `x-amzn-errortype` header (REST-JSON reads them in
 * another order); the part before any ',' or ':', after any '#'. `Unknown` where none is given
 * (a proxy's HTML page), as the SDK's.
 */
export function jsonError(
  answer: HttpAnswer,
  order: readonly ErrorCodeSource[] = JSON_ORDER,
): AwsServiceError {
  const data = parseObject(answer.body);
  const codeKey = Object.keys(data).find((key) => key.toLowerCase() === 'code');
  const found = {
    type: data.__type,
    code: codeKey === undefined ? undefined : data[codeKey],
    header: answer.headers['x-amzn-errortype'],
  };
  const raw = order
    .map((source) => found[source])
    .find((value) => typeof value === 'string' || typeof value === 'number');
  const code = raw === undefined ? 'Unknown' : sanitizeErrorCode(String(raw));
  const message = [data.message, data.Message].find((value): value is string => typeof value === 'string');
  return new AwsServiceError(
    code,
    message ?? `${answer.status} with no AWS error in the answer`,
    answer.status,
  );
}

/**
 * The error of a service that moved from the query protocol, named as the SDK names it: its
 * query code from `x-amzn-query-error: <code>;<fault>` (else as jsonError finds it), renamed
 * where the service's models give that code another name.
 */
export function queryCompatibleError(answer: HttpAnswer, names: Record<string, string>): AwsServiceError {
  const error = jsonError(answer);
  const header = answer.headers['x-amzn-query-error'];
  const code = typeof header === 'string' && header.includes(';') ? header.split(';')[0]! : error.name;
  const name = Object.hasOwn(names, code) ? names[code]! : code;
  return name === error.name ? error : new AwsServiceError(name, error.message, answer.status);
}

function sanitizeErrorCode(raw: string): string {
  const code = raw.split(',')[0]!.split(':')[0]!;
  return code.includes('#') ? code.split('#')[1]! : code;
}

function parseObject(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
