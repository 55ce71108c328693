// The CloudWatch emulators metric contract tests run against, each with a way to publish the
// datapoints a test needs: the local cloud's CloudWatch behind the local AWS endpoint, and
// moto_server. Both are reached through the SDK v3 client only.

import type { Server } from 'node:http';
import { CloudWatchClient, PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { LocalCloudWatch } from '../../local/aws/cloudwatch.js';
import { createAwsServer } from '../../local/aws/server.js';
import { ManualClock } from '../../local/clock.js';
import { emulatorClientConfig, freePort, motoAvailable, startMoto } from '../../harness/emulators.js';

/** One datapoint: a single value, or many (a value repeated `counts` times) for percentiles. */
export interface Datapoint {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  at: number;
  value: number | { values: number[]; counts: number[] };
  unit?: 'Count' | 'Seconds' | 'None';
}

export interface MetricsCloud {
  client: CloudWatchClient;
  publish(points: readonly Datapoint[]): Promise<void>;
  stop(): Promise<void>;
}

/** PutMetricData takes up to 1,000 datums per call. */
const DATUMS_PER_CALL = 1000;

/** The local cloud's CloudWatch on a free port, its simulated clock stopped at `now`. */
async function startLocal(now: number): Promise<MetricsCloud> {
  const cloudWatch = new LocalCloudWatch({
    clock: new ManualClock(now),
    region: 'us-east-1',
    account: '123456789012',
    retentionMs: 15 * 24 * 3600_000,
  });
  const server: Server = createAwsServer({
    json: {
      GraniteServiceVersion20100801: {
        service: cloudWatch.service,
        contentType: 'application/x-amz-json-1.0',
        queryCompatible: true,
      },
    },
    query: {},
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const client = new CloudWatchClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
  return {
    client,
    publish: async (points) => {
      // PutMetricData refuses AWS/ namespaces, on AWS and here: load balancer metrics come from the
      // simulated world, through the same door the local cloud's load balancers use.
      const own = points.filter((p) => !p.namespace.startsWith('AWS/'));
      for (const p of points.filter((p) => p.namespace.startsWith('AWS/'))) {
        cloudWatch.record(p.namespace, p.metricName, p.dimensions, p.at, p.value, p.unit);
      }
      await putMetricData(client, own);
    },
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A fresh moto_server; it takes PutMetricData in any namespace, AWS/ included. */
async function startMotoCloud(): Promise<MetricsCloud> {
  const moto = await startMoto();
  // moto 5.2 answers 500 to a gzip-encoded request body, and the SDK gzips PutMetricData bodies over
  // 10 KiB (its requestMinCompressionSizeBytes), which CloudWatch accepts: send them uncompressed.
  const client = new CloudWatchClient({
    ...emulatorClientConfig(moto.endpoint),
    disableRequestCompression: true,
  });
  return {
    client,
    publish: (points) => putMetricData(client, points),
    stop: async () => {
      client.destroy();
      await moto.stop();
    },
  };
}

async function putMetricData(client: CloudWatchClient, points: readonly Datapoint[]): Promise<void> {
  for (const namespace of new Set(points.map((p) => p.namespace))) {
    const data = points.filter((p) => p.namespace === namespace).map(datum);
    for (let start = 0; start < data.length; start += DATUMS_PER_CALL) {
      await client.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: data.slice(start, start + DATUMS_PER_CALL),
        }),
      );
    }
  }
}

function datum(p: Datapoint): MetricDatum {
  return {
    MetricName: p.metricName,
    Dimensions: Object.entries(p.dimensions).map(([Name, Value]) => ({ Name, Value })),
    Timestamp: new Date(p.at),
    ...(typeof p.value === 'number'
      ? { Value: p.value }
      : { Values: p.value.values, Counts: p.value.counts }),
    Unit: p.unit ?? 'None',
  };
}

export const METRICS_EMULATORS = [
  { name: 'local cloud', available: true, start: startLocal },
  { name: 'moto_server', available: motoAvailable(), start: (_now: number) => startMotoCloud() },
] as const;
export type MetricsEmulatorName = (typeof METRICS_EMULATORS)[number]['name'];
