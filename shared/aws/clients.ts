// How the Lambda handlers reach AWS: one object per service, made at cold start by the
// handler that needs it, that signs and sends the service's requests itself (signed-http.ts and
// the protocol modules beside it); none of the SDK's clients is in a Lambda bundle. Each finds
// its endpoint as the SDK would (AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, which the
// local cloud sets), and the local cloud signs each invocation's calls with its function's own
// credentials.
import { CLOUDWATCH, ECS, EVENTBRIDGE, JsonRequests, STEP_FUNCTIONS } from './json-requests.js';
import { LAMBDA, RestJsonRequests } from './rest-json-requests.js';
import { configFromEnv } from './signed-http.js';

export const ecsRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(ECS, configFromEnv('ECS', env));
export { elbv2RequestsFromEnv as elbRequests } from './elbv2-requests.js';
export const cloudWatchRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(CLOUDWATCH, configFromEnv('CLOUDWATCH', env));
export const sfnRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(STEP_FUNCTIONS, configFromEnv('SFN', env));
export const lambdaRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new RestJsonRequests(LAMBDA, configFromEnv('LAMBDA', env));
export const eventBridgeRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(EVENTBRIDGE, configFromEnv('EVENTBRIDGE', env));
