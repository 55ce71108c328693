// `cutover local start` and `cutover local push`: the local cloud.

import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { BadInput, UsageError } from '../errors.js';
import { loadCatalogFile } from '../catalog-file.js';
import { printJson, type Output } from '../output.js';
import { isProfileName, PROFILES } from '../../local/world/profiles.js';
import { DEFAULT_KEEP_EXECUTIONS, isKeepExecutions } from '../../local/stepfunctions/retention.js';
import {
  DEFAULT_API_PORT,
  DEFAULT_AWS_ENDPOINT,
  DEFAULT_AWS_PORT,
  DEFAULT_DATA_DIR,
  dataDirFrom,
  ENDPOINTS_FILE,
  FETCH_BLOCKED_PORTS,
} from '../../local/endpoints.js';
import { send } from '../http-request.js';
import { localAwsEndpoint } from '../local-aws-endpoint.js';
export const DEMO_CATALOG = new URL('../../local/demo-catalog.yml', import.meta.url).pathname;

const help = `Usage: cutover local <start|push> [options]

  cutover local start [--speed N] [--data DIR] [--catalog FILE] [--port P] [--api-port P] [--rps N]
                      [--faults RATE] [--keep-executions N]
      Run Cutover on this machine with no AWS account: a local AWS endpoint, the
      state machines and handlers, and a simulated world (tasks, traffic, metrics,
      alarms) on a clock running N times faster than real time.
        --speed N     simulated seconds per real second (default 60)
        --data DIR    where everything is kept across restarts (default: $CUTOVER_DATA,
                      else ${DEFAULT_DATA_DIR}); start writes its URLs to ${ENDPOINTS_FILE} there,
                      so every command finds this local cloud from --data (or $CUTOVER_DATA) alone
        --catalog F   the catalog (default: the demo catalog, local/demo-catalog.yml)
        --port P      the AWS endpoint's port (default ${DEFAULT_AWS_PORT}; 0 picks a free one)
        --api-port P  the HTTP API's and the dashboard's port (default ${DEFAULT_API_PORT}; 0 picks a free
                      one; not one of the ports browsers refuse, such as 6566)
        --rps N       simulated requests per second per service (default 20)
        --faults RATE make this share (0 to 1) of AWS requests fail as AWS sometimes does:
                      throttled, a 500, or a slow answer (default 0; see docs/local-cloud.md)
        --keep-executions N  finished executions kept per state machine, with their
                      histories, in state.json (default ${DEFAULT_KEEP_EXECUTIONS}); older ones are forgotten

  cutover local push <repository>:<tag> [--profile P] [--data DIR] [--endpoint URL] [--json]
      Push an image to the local ECR. ECR announces it on EventBridge, as on AWS, and
      every service that deploys the repository starts a deployment. Prints the digest.
        --profile P   how the image behaves: ${Object.keys(PROFILES).join(' | ')} (default healthy)
        --data DIR    the local cloud's data folder, whose ${ENDPOINTS_FILE} names its AWS
                      endpoint (default: $CUTOVER_DATA, else ${DEFAULT_DATA_DIR})
        --endpoint U  the AWS endpoint itself (default: $CUTOVER_LOCAL_ENDPOINT, else the
                      one in ${ENDPOINTS_FILE}, else ${DEFAULT_AWS_ENDPOINT})

Examples:
  npm start
  npx cutover local push web:v2 --profile healthy
  npx cutover local push web:v3 --profile faulty`;

export const localCommand: Command = {
  name: 'local',
  summary: 'run the local cloud (local start) or push an image to it (local push)',
  help,
  async run(args, output) {
    const [action, ...rest] = args;
    if (action === 'start') return start(rest, output);
    if (action === 'push') return push(rest, output);
    throw new UsageError(`local takes start or push, not ${action ?? 'nothing'}`, help);
  },
};

async function start(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: '60' },
      data: { type: 'string' },
      catalog: { type: 'string', default: DEMO_CATALOG },
      port: { type: 'string', default: String(DEFAULT_AWS_PORT) },
      'api-port': { type: 'string', default: String(DEFAULT_API_PORT) },
      rps: { type: 'string', default: '20' },
      faults: { type: 'string', default: '0' },
      'keep-executions': { type: 'string', default: String(DEFAULT_KEEP_EXECUTIONS) },
      json: { type: 'boolean' },
    },
  });
  if (positionals.length > 0)
    throw new UsageError(`local start takes no arguments, not ${positionals.join(' ')}`, help);
  const speed = positiveNumber(values.speed, '--speed');
  const port = portNumber(values.port, '--port');
  const apiPort = portNumber(values['api-port'], '--api-port');
  if (FETCH_BLOCKED_PORTS.has(apiPort))
    throw new UsageError(
      `--api-port ${apiPort} is a port browsers refuse to open (a "bad port" in the Fetch standard), ` +
        'so the dashboard could not be opened there: choose another, such as the default ' +
        `${DEFAULT_API_PORT}, or 0 for a free one`,
      help,
    );
  const rps = positiveNumber(values.rps, '--rps');
  const faultRate = Number(values.faults);
  if (!(faultRate >= 0 && faultRate <= 1))
    throw new UsageError(`--faults must be a number from 0 to 1, not ${values.faults}`, help);
  const keepExecutions = Number(values['keep-executions']);
  if (!isKeepExecutions(keepExecutions))
    throw new UsageError(
      `--keep-executions must be a whole number of at least 1, not ${values['keep-executions']}`,
      help,
    );
  // Validate the catalog before anything is created: a bad one writes nothing.
  const catalog = loadCatalogFile(values.catalog);
  const { runLocalCloud } = await import('../local-runner.js');
  return runLocalCloud(
    {
      catalog,
      catalogPath: values.catalog,
      dataDir: dataDirFrom(values.data),
      speed,
      port,
      apiPort,
      requestsPerSecond: rps,
      keepExecutions,
      ...(faultRate > 0 ? { faults: { rate: faultRate } } : {}),
    },
    output,
  );
}

async function push(args: string[], output: Output): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'healthy' },
      endpoint: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const [reference, ...extra] = positionals;
  const match = /^([a-z0-9]+(?:[._/-][a-z0-9]+)*):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(reference ?? '');
  if (match === null || extra.length > 0) {
    throw new UsageError('local push takes one <repository>:<tag>, e.g. web:v2', help);
  }
  if (!isProfileName(values.profile)) {
    throw new UsageError(
      `unknown profile "${values.profile}"; use one of: ${Object.keys(PROFILES).join(', ')}`,
      help,
    );
  }
  const [, repository, tag] = match as unknown as [string, string, string];
  const endpoint = localAwsEndpoint(values, help);
  const { LocalEcr } = await import('../../local/aws/ecr.js');
  const response = await callLocal(endpoint, 'AmazonEC2ContainerRegistry_V20150921.PutImage', {
    repositoryName: repository,
    imageTag: tag,
    imageManifest: LocalEcr.manifest(repository, tag, values.profile),
  });
  const image = (response as { image: { registryId: string; imageId: { imageDigest: string } } }).image;
  const digest = image.imageId.imageDigest;
  const result = { repository, tag, digest, profile: values.profile };
  if (output.json) printJson(output, result);
  else {
    output.out(digest);
    output.err(
      `pushed ${repository}:${tag} (${values.profile}); services that deploy ${repository} are starting`,
    );
  }
  return 0;
}

/**
 * The local AWS endpoint answers only SigV4-signed requests, as AWS does: this one is signed
 * as the AWS CLI would sign it, with the local cloud's administrator credentials.
 */
async function signedRequest(endpoint: string, target: string, body: string) {
  const url = new URL(endpoint);
  const signer = new SignatureV4({
    service: 'ecr',
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: 'CUTOVERCLI', secretAccessKey: 'local' },
    sha256: Sha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, host: url.host },
    body,
  });
  // node:http sets Host from the URL, to the same value that was signed.
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

async function callLocal(endpoint: string, target: string, body: unknown): Promise<unknown> {
  let response: Awaited<ReturnType<typeof send>>;
  const text = JSON.stringify(body);
  const headers = await signedRequest(endpoint, target, text);
  try {
    response = await send({ url: endpoint, method: 'POST', headers, body: text, timeoutMs: 30_000 });
  } catch {
    throw new Error(
      `no local cloud answers at ${endpoint}; start it with npm start (or cutover local start), or pass --data DIR if it keeps its data in another folder`,
    );
  }
  const payload = parseJson(response.text);
  if (!response.ok) {
    const message = payload.message ?? `the local cloud answered ${response.status}`;
    if (payload.__type === 'RepositoryNotFoundException') {
      throw new BadInput(
        `${message}; the local ECR has the repositories the catalog's images.repositories name`,
      );
    }
    throw new Error(message);
  }
  return payload;
}

/** An answer that is not JSON (not the local cloud's) carries no message. */
function parseJson(text: string): { __type?: string; message?: string } {
  try {
    return (JSON.parse(text) ?? {}) as { __type?: string; message?: string };
  } catch {
    return {};
  }
}

/** A TCP port, 0 to 65535 (0: one the system picks). */
function portNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535 || text.trim() === '')
    throw new UsageError(
      `${flag} must be a port number from 0 to 65535 (0 picks a free one), not ${text}`,
      help,
    );
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new UsageError(`${flag} must be a positive number, not ${text}`, help);
  return value;
}
