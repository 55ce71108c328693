// AWS SDK clients, one per process, created at cold start by the handler that
// needs them. AWS_ENDPOINT_URL (set by the local cloud) points them elsewhere, and the
// local cloud signs each invocation's calls with its function's own credentials. Step
// Functions and EventBridge are reached by signed JSON requests (json-requests.ts), not the
// SDK's clients, found and signed for the same way.

import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { CLOUDWATCH, ECS, EVENTBRIDGE, JsonRequests, STEP_FUNCTIONS } from './json-requests.js';
import { LAMBDA, RestJsonRequests } from './rest-json-requests.js';
import { configFromEnv } from './signed-http.js';

export const ecsRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(ECS, configFromEnv('ECS', env));
export const elbClient = () => new ElasticLoadBalancingV2Client(credentialsOption());
export const cloudWatchRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(CLOUDWATCH, configFromEnv('CLOUDWATCH', env));
export const sfnRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(STEP_FUNCTIONS, configFromEnv('SFN', env));
export const lambdaRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new RestJsonRequests(LAMBDA, configFromEnv('LAMBDA', env));
export const eventBridgeRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(EVENTBRIDGE, configFromEnv('EVENTBRIDGE', env));
