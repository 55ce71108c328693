// The AWS SDK clients a CLI command reads an account with: on AWS, the SDK's own endpoints,
// credential chain and the region given; on the local cloud, its endpoint and fixed
// credentials (the local endpoint knows callers by their access key id).

import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { LambdaClient } from '@aws-sdk/client-lambda';

export interface ClientTarget {
  kind: 'aws' | 'local';
  endpoint?: string;
  region: string;
}

/** The configuration every SDK client of the CLI is made with. */
export function sdkConfig(target: ClientTarget) {
  return target.kind === 'aws'
    ? { region: target.region }
    : {
        region: target.region,
        endpoint: target.endpoint,
        credentials: { accessKeyId: 'CUTOVERCLI', secretAccessKey: 'local' },
      };
}

export function sdkClients(target: ClientTarget) {
  const config = sdkConfig(target);
  const clients = {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    cloudWatch: new CloudWatchClient(config),
    iam: new IAMClient(config),
    /** The local cloud's Lambda answers Invoke alone, not GetFunction: null there. */
    lambda: target.kind === 'aws' ? new LambdaClient(config) : null,
  };
  return {
    ...clients,
    destroy(): void {
      for (const client of Object.values(clients)) client?.destroy();
    },
  };
}
