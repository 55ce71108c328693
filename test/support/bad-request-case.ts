// The bad-request corpus of test/api/bad-requests.test.ts: what a case is (a raw request, the
// status and error code it must get, and what the message must say), the builders the cases
// use, and the good deploy request that most cases break in exactly one place.

export const DIGEST = `sha256:${'a'.repeat(64)}`;
export const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
export const IMAGE = `${REGISTRY}/linear@${DIGEST}`;
/** A request that would start a deployment of `linear`: most cases break exactly one thing in it. */
export const DEPLOY = { service: 'linear', image: IMAGE };
export const DEPLOY_BODY = JSON.stringify(DEPLOY);
/** No such deployment: an action's body is checked before the deployment is looked up. */
export const NO_SUCH_DEPLOYMENT = 'linear-000000000000-nope';

export type Header = string | string[] | null;

export interface RawRequest {
  method: string;
  /** Sent as is, byte for byte (latin1). */
  path: string;
  body?: string | Buffer;
  /** Replace or (with null) remove the defaults: a valid token, a JSON content type, an actor. */
  headers?: Record<string, Header | ((token: string) => Header)>;
}

export interface BadRequest extends RawRequest {
  name: string;
  status: number;
  code: string;
  /** What the message must say. */
  says: RegExp;
  /** The `problems[].path` that must be named, for bodies that do not fit. */
  problem?: string;
  /** The Allow header of a 405. */
  allow?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
}

// ------------------------------------------------------------------------------ the corpus

export const post = (name: string, path: string, body: unknown, expected: Expected): BadRequest => ({
  name,
  method: 'POST',
  path,
  body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
  ...expected,
});
export const get = (name: string, path: string, expected: Expected): BadRequest => ({
  name,
  method: 'GET',
  path,
  ...expected,
});

export type Expected = Pick<BadRequest, 'status' | 'code' | 'says'> & Partial<BadRequest>;
export const badRequest = (says: RegExp): Expected => ({ status: 400, code: 'BadRequest', says });
export const notFound = (says: RegExp): Expected => ({ status: 404, code: 'NotFound', says });
export const unprocessable = (problem: string, says: RegExp = new RegExp(`^${escape(problem)}: `, 'm')) => ({
  status: 422,
  code: 'Unprocessable',
  says,
  problem,
});

export const control = (field: string, description: string): Expected =>
  badRequest(
    new RegExp(
      `^${escape(field)} has the control character ${escape(description)} at index \\d+; send plain text`,
    ),
  );

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const describeValue = (value: unknown) =>
  Array.isArray(value)
    ? `array ${JSON.stringify(value)}`
    : `${value === null ? 'null' : typeof value} ${JSON.stringify(value)}`;

/** The answer to a service the catalog does not have, wherever it is named. */
export const noService =
  /no service ".*" in the catalog; it has: linear, canary, allatonce, bluegreen, rolling/;
