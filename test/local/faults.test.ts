// Fault injection on the local AWS endpoint: throttles, 500s and slow answers in each
// protocol's own shape, so the SDK raises (and retries) what it would on AWS; a faulted
// request changes nothing; a seed replays the same faults.

import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ECSClient,
  ListTaskDefinitionsCommand,
  CreateClusterCommand,
  DescribeClustersCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../local/aws/faults.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;
let config: {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
};

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  config = {
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  };
});
afterAll(async () => {
  handle.cloud.setFaults(null);
  await handle.stop();
});

async function failure(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    return error as Error & {
      $metadata: { httpStatusCode?: number; attempts?: number };
      $retryable?: unknown;
    };
  }
  throw new Error('the call succeeded');
}

describe('fault injection', () => {
  it('throttles in each protocol as AWS does, and the SDK retries before giving up', async () => {
    const injector = handle.cloud.setFaults({ rate: 1, kinds: ['throttle'] })!;
    const ecs = await failure(() =>
      new ECSClient({ ...config, maxAttempts: 3 }).send(new ListTaskDefinitionsCommand({})),
    );
    expect(ecs.name).toBe('ThrottlingException');
    expect(ecs.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 3 });
    const elb = await failure(() =>
      new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 2 }).send(
        new DescribeLoadBalancersCommand({}),
      ),
    );
    expect(elb.name).toBe('Throttling');
    expect(elb.$metadata.attempts).toBe(2);
    const dynamo = await failure(() =>
      new DynamoDBClient({ ...config, maxAttempts: 1 }).send(new ListTablesCommand({})),
    );
    expect(dynamo.name).toBe('ThrottlingException');
    // The local cloud's own handlers may be calling too: at least these six were throttled.
    expect(injector.counts.throttle).toBeGreaterThanOrEqual(6);
    expect(injector.counts).toMatchObject({ error: 0, slow: 0 });
  });

  it('fails with a 500 InternalFailure, and a faulted write changes nothing', async () => {
    handle.cloud.setFaults({ rate: 1, kinds: ['error'] });
    const ecs = new ECSClient({ ...config, maxAttempts: 1 });
    const error = await failure(() => ecs.send(new CreateClusterCommand({ clusterName: 'faulted' })));
    expect(error.name).toBe('InternalFailure');
    expect(error.$metadata.httpStatusCode).toBe(500);
    handle.cloud.setFaults(null);
    const described = await ecs.send(new DescribeClustersCommand({ clusters: ['faulted'] }));
    expect(described.clusters ?? []).toEqual([]);
    expect(described.failures?.[0]?.reason).toBe('MISSING');
  });

  it('answers late when slow, and then serves the request', async () => {
    handle.cloud.setFaults({ rate: 1, kinds: ['slow'], slowMs: 300 });
    const started = Date.now();
    const answer = await new ECSClient({ ...config, maxAttempts: 1 }).send(
      new ListTaskDefinitionsCommand({}),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(answer.taskDefinitionArns?.length).toBeGreaterThan(0);
  });

  it('at a 30% rate the SDK’s retries carry every call through', async () => {
    const injector = handle.cloud.setFaults({ rate: 0.3, kinds: ['throttle', 'error'], seed: 7 })!;
    const ecs = new ECSClient({ ...config, maxAttempts: 8 });
    let retried = 0;
    for (let i = 0; i < 40; i++) {
      const answer = await ecs.send(new ListTaskDefinitionsCommand({}));
      expect(answer.taskDefinitionArns?.length).toBeGreaterThan(0);
      retried += (answer.$metadata.attempts ?? 1) - 1;
    }
    expect(retried).toBeGreaterThan(3);
    expect(injector.counts.throttle + injector.counts.error).toBeGreaterThanOrEqual(retried);
    // The SDK backs off (with jitter, up to seconds after a few throttles in a row): on a loaded
    // machine 40 calls once took more than 30 s. What is checked is that they all got through.
  }, 120_000);

  it('replays the same faults for the same seed, and refuses a rate outside 0 to 1', () => {
    const sequence = (seed: number) => {
      const injector = new FaultInjector({ rate: 0.1, seed });
      return Array.from({ length: 1000 }, () => injector.next());
    };
    expect(sequence(3)).toEqual(sequence(3));
    expect(sequence(3)).not.toEqual(sequence(4));
    const faults = sequence(3).filter((f) => f !== null).length;
    expect(faults).toBeGreaterThan(60);
    expect(faults).toBeLessThan(140);
    expect(() => new FaultInjector({ rate: 1.5 })).toThrow(/between 0 and 1/);
  });
});
