// How the Lambda handlers reach AWS: one object per service, made when a handler is built, from
// its environment, that signs and sends the service's requests itself (signed-http.ts and the
// protocol modules beside it); none of the SDK's clients is in a Lambda bundle. Each finds its
// endpoint in that environment as the SDK would (AWS_ENDPOINT_URL_<SERVICE>, else
// AWS_ENDPOINT_URL, which the local cloud sets), and the local cloud signs each invocation's
// calls with its function's own credentials.
import { CLOUDWATCH, ECS, EVENTBRIDGE, JsonRequests, STEP_FUNCTIONS } from './json-requests.js';
import { LAMBDA, RestJsonRequests } from './rest-json-requests.js';
import type { Environment } from '../runtime/env.js';
import { configFromEnv } from './signed-http.js';

export const ecsRequests = (env: Environment) => new JsonRequests(ECS, configFromEnv('ECS', env));
export { elbv2RequestsFromEnv as elbRequests } from './elbv2-requests.js';
export const cloudWatchRequests = (env: Environment) =>
  new JsonRequests(CLOUDWATCH, configFromEnv('CLOUDWATCH', env));
export const sfnRequests = (env: Environment) => new JsonRequests(STEP_FUNCTIONS, configFromEnv('SFN', env));
export const lambdaRequests = (env: Environment) =>
  new RestJsonRequests(LAMBDA, configFromEnv('LAMBDA', env));
export const eventBridgeRequests = (env: Environment) =>
  new JsonRequests(EVENTBRIDGE, configFromEnv('EVENTBRIDGE', env));
