// A fixed-rate HTTP load generator for the API latency figure, run as its own process so it
// does not share an event loop with the API it measures. Open loop: request i is due at
// start + i / rate whether or not earlier ones have been answered, and its latency runs from
// when it was due to the last byte of the answer, so a slow answer cannot hold back the
// requests behind it and hide its cost (coordinated omission).
//
//   node --import tsx bench/api-load.ts '<LoadPlan as JSON>'   prints a LoadResult as JSON

import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';

export interface LoadPlan {
  /** The API's base URL, e.g. http://127.0.0.1:4600. */
  endpoint: string;
  token: string;
  method: 'GET' | 'POST';
  path: string;
  /** Requests a second; or, with `serial`, one request at a time, each sent when the last is answered. */
  rate: number;
  serial?: boolean;
  /** Measured seconds of sending; then in-flight answers are awaited (up to `timeoutMs`). */
  seconds: number;
  /** Seconds of the same requests first, not measured (POST warm-up: see `warmUpService`). */
  warmUpSeconds: number;
  /** POST /deployments: services to start, in turn, one a request; each gets a fresh digest. */
  services?: string[];
  /** POST warm-up requests name this service, which does not exist: they start nothing. */
  warmUpService?: string;
  registry?: string;
  timeoutMs?: number;
}

export interface LoadResult {
  /** Per measured request: status (0 when it failed) and ms from due to answered. */
  statuses: number[];
  latencies: number[];
  /** Per measured request: ms from due to actually sent (how far the generator fell behind). */
  lateness: number[];
  errors: string[];
  /** The first body of each status other than 2xx, cut to 300 characters: what a refusal said. */
  samples: Record<string, string>;
  /** Real seconds from the first to the last measured request sent. */
  sendingSeconds: number;
}

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const url = new URL(plan.endpoint);
  const timeoutMs = plan.timeoutMs ?? 30_000;
  const headers = { authorization: `Bearer ${plan.token}`, 'x-cutover-actor': 'operator:bench' };

  const bodyFor = (i: number, warmUp: boolean): string | undefined => {
    if (plan.method !== 'POST') return undefined;
    const services = plan.services ?? [];
    const service = warmUp ? (plan.warmUpService ?? 'bench-warm-up') : services[i % services.length]!;
    const digest = createHash('sha256')
      .update(`bench ${warmUp ? 'warm-up' : 'measured'} ${i}`)
      .digest('hex');
    return JSON.stringify({ service, image: `${plan.registry ?? ''}/${service}@sha256:${digest}` });
  };

  const samples: Record<string, string> = {};
  const send = (body: string | undefined): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: plan.path,
          method: plan.method,
          agent,
          timeout: timeoutMs,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const keep = status >= 300 && samples[status] === undefined;
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            if (keep && text.length < 300) text += chunk;
          });
          res.on('end', () => {
            if (keep) samples[status] ??= text.slice(0, 300);
            resolve(status);
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  /** One request at a time for `seconds`: what one request costs when nothing else is asked. */
  const serially = async (
    seconds: number,
    warmUp: boolean,
    record: (i: number, due: number, sent: number, status: number, error?: string) => void,
  ) => {
    const end = performance.now() + seconds * 1000;
    for (let i = 0; performance.now() < end; i += 1) {
      const sent = performance.now();
      await send(bodyFor(i, warmUp)).then(
        (status) => record(i, sent, sent, status),
        (error: unknown) => record(i, sent, sent, 0, (error as Error).message),
      );
    }
  };

  /** Sends `count` requests at the plan's rate; `record` gets each one's outcome. */
  const phase = async (
    count: number,
    warmUp: boolean,
    record: (i: number, due: number, sent: number, status: number, error?: string) => void,
  ) => {
    const interval = 1000 / plan.rate;
    const start = performance.now() + 20;
    const inFlight: Promise<void>[] = [];
    let next = 0;
    while (next < count) {
      const now = performance.now();
      while (next < count && start + next * interval <= now) {
        const i = next;
        const due = start + i * interval;
        const sent = performance.now();
        inFlight.push(
          send(bodyFor(i, warmUp)).then(
            (status) => record(i, due, sent, status),
            (error: unknown) => record(i, due, sent, 0, (error as Error).message),
          ),
        );
        next += 1;
      }
      const wait = start + next * interval - performance.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, wait)));
    }
    await Promise.all(inFlight);
  };

  if (plan.serial) await serially(plan.warmUpSeconds, true, () => undefined);
  else await phase(Math.round(plan.rate * plan.warmUpSeconds), true, () => undefined);
  for (const status of Object.keys(samples)) delete samples[status];

  const result: LoadResult = {
    statuses: [],
    latencies: [],
    lateness: [],
    errors: [],
    samples,
    sendingSeconds: 0,
  };
  let first = Infinity;
  let last = 0;
  const record = (i: number, due: number, sent: number, status: number, error?: string) => {
    result.statuses[i] = status;
    result.latencies[i] = performance.now() - due;
    result.lateness[i] = sent - due;
    first = Math.min(first, sent);
    last = Math.max(last, sent);
    if (error !== undefined) result.errors.push(error);
  };
  if (plan.serial) await serially(plan.seconds, false, record);
  else await phase(Math.round(plan.rate * plan.seconds), false, record);
  result.sendingSeconds = (last - first) / 1000;
  agent.destroy();
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLoad(JSON.parse(process.argv[2]!) as LoadPlan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
