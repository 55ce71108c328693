// AWS SDK clients, one per process, created at cold start by the handler that
// needs them. AWS_ENDPOINT_URL (set by the local cloud) points them elsewhere, and the
// local cloud signs each invocation's calls with its function's own credentials. Step
// Functions and EventBridge are reached by signed JSON requests (json-requests.ts), not the
// SDK's clients, found and signed for the same way.

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { EVENTBRIDGE, JsonRequests, STEP_FUNCTIONS } from './json-requests.js';
import { configFromEnv } from './signed-http.js';

export const ecsClient = () => new ECSClient(credentialsOption());
export { elbv2RequestsFromEnv as elbClient } from './elbv2-requests.js';
export const cloudWatchClient = () => new CloudWatchClient(credentialsOption());
export const sfnRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(STEP_FUNCTIONS, configFromEnv('SFN', env));
export const lambdaClient = () => new LambdaClient(credentialsOption());
export const eventBridgeRequests = (env: NodeJS.ProcessEnv = process.env) =>
  new JsonRequests(EVENTBRIDGE, configFromEnv('EVENTBRIDGE', env));
