// AWS SDK clients, one per process, created at cold start by the handler that
// needs them. AWS_ENDPOINT_URL (set by the local cloud) points them elsewhere.

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';

export const ecsClient = () => new ECSClient({});
export const elbClient = () => new ElasticLoadBalancingV2Client({});
export const cloudWatchClient = () => new CloudWatchClient({});
export const sfnClient = () => new SFNClient({});
export const lambdaClient = () => new LambdaClient({});
export const eventBridgeClient = () => new EventBridgeClient({});
