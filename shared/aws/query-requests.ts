// A request to an AWS service that speaks the query protocol (ELBv2): `POST /` with a
// form-encoded body, `Action=<Operation>&Version=<API version>` and the input flattened as the
// protocol flattens it (`Actions.member.1.ForwardConfig.TargetGroups.member.2.Weight=10`,
// `AuthenticationRequestExtraParams.entry.1.key=…`), answered with XML (xml-reader.ts). Signing,
// transport and retries are signed-http.ts's. An error answer, <ErrorResponse><Error><Code>, is
// named as the SDK names it: the exception its code stands for in the service's model
// (`RuleNotFound` is RuleNotFoundException), else the code itself (`Throttling`, `AccessDenied`).

import { AwsServiceError } from './errors.js';
import { configOfSdkClient, type SdkClientLike } from './sdk-client-config.js';
import {
  rfc3986,
  SignedHttp,
  type AwsHttpConfig,
  type HttpAnswer,
  type SigningService,
} from './signed-http.js';
import { child, childText, parseXml, type XmlElement } from './xml-reader.js';

export interface QueryService extends SigningService {
  /** The API version every request names: `2015-12-01` for ELBv2. */
  version: string;
  /** Error codes the service's model names as exceptions: `RuleNotFound` → `RuleNotFoundException`. */
  exceptions: Readonly<Record<string, string>>;
  /** Members that are maps, flattened as `.entry.N.key` and `.entry.N.value`; all others are structures. */
  maps: readonly string[];
}

/** An input as the protocol flattens it: numbers and booleans are sent as their text. */
export type QueryValue =
  string | number | boolean | undefined | readonly QueryValue[] | { readonly [member: string]: QueryValue };

/** One operation of a query-protocol API: its input, and its answer's <OperationResult>. */
export interface QueryCalls {
  call(operation: string, input: Record<string, QueryValue>): Promise<XmlElement>;
}

export class QueryRequests implements QueryCalls {
  private readonly http: SignedHttp;

  constructor(
    private readonly service: QueryService,
    config: AwsHttpConfig,
  ) {
    this.http = new SignedHttp(service, config);
  }

  async call(operation: string, input: Record<string, QueryValue>): Promise<XmlElement> {
    const body = await this.http.send(
      {
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: encodeQuery(operation, this.service, input),
      },
      (answer) => queryError(answer, this.service.exceptions),
    );
    const result = child(parseXml(body), `${operation}Result`);
    return result ?? { name: `${operation}Result`, children: [], text: '' };
  }
}

/** The form-encoded body of a call: Action, Version, then the input's members in their order. */
export function encodeQuery(
  operation: string,
  service: Pick<QueryService, 'version' | 'maps'>,
  input: Record<string, QueryValue>,
): string {
  const pairs: [string, string][] = [
    ['Action', operation],
    ['Version', service.version],
  ];
  flatten('', input, service.maps, pairs);
  return pairs.map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`).join('&');
}

function flatten(prefix: string, value: QueryValue, maps: readonly string[], pairs: [string, string][]) {
  if (value === undefined) return;
  if (typeof value !== 'object') {
    pairs.push([prefix, String(value)]);
  } else if (isList(value)) {
    // An empty list is sent as the member's name with no value, as the SDK sends it.
    if (value.length === 0) pairs.push([prefix, '']);
    value.forEach((item, i) => flatten(`${prefix}.member.${i + 1}`, item, maps, pairs));
  } else if (maps.includes(prefix.slice(prefix.lastIndexOf('.') + 1))) {
    Object.entries(value).forEach(([key, item], i) => {
      pairs.push([`${prefix}.entry.${i + 1}.key`, key]);
      flatten(`${prefix}.entry.${i + 1}.value`, item, maps, pairs);
    });
  } else {
    for (const [member, item] of Object.entries(value))
      flatten(prefix === '' ? member : `${prefix}.${member}`, item, maps, pairs);
  }
}

const isList = (value: object): value is readonly QueryValue[] => Array.isArray(value);

/**
 * The error an answer outside 2xx stands for, named as the SDK's query protocol names it. An
 * answer that is no AWS error (a proxy's page, a cut-off body) is `Unknown`, with its status.
 */
export function queryError(
  answer: HttpAnswer,
  exceptions: Readonly<Record<string, string>>,
): AwsServiceError {
  const error = errorElement(answer.body);
  const code = childText(error, 'Code')?.trim() || 'Unknown';
  const message = childText(error, 'Message') ?? `${answer.status} with no AWS error in the answer`;
  return new AwsServiceError(
    Object.hasOwn(exceptions, code) ? exceptions[code]! : code,
    message,
    answer.status,
  );
}

/** <ErrorResponse><Error>, or <Response><Errors><Error> as some query services write it. */
function errorElement(body: string): XmlElement | undefined {
  try {
    const root = parseXml(body);
    return child(root, 'Error') ?? child(child(root, 'Errors'), 'Error');
  } catch {
    return undefined;
  }
}

/**
 * Calls sent where an SDK client of the service would send them (sdk-client-config.ts), with its
 * credentials and tries, read at the first call; `id` names its AWS_ENDPOINT_URL_<id>.
 */
export class SdkClientQueryCalls implements QueryCalls {
  private requests: Promise<QueryRequests> | undefined;

  constructor(
    private readonly service: QueryService,
    private readonly client: SdkClientLike,
    private readonly id: string,
  ) {}

  async call(operation: string, input: Record<string, QueryValue>): Promise<XmlElement> {
    this.requests ??= configOfSdkClient(this.client, this.id).then(
      (config) => new QueryRequests(this.service, config),
      (error: unknown) => {
        this.requests = undefined;
        throw error;
      },
    );
    return (await this.requests).call(operation, input);
  }
}
