// `cutover local push <repository>:<tag>`: puts an image in the local ECR, which announces it on
// EventBridge as ECR does; then says, per service that deploys the repository, what the push
// started, or why nothing did (push-outcome.ts). `--from TAG` pushes an image already there
// under a second tag, as `aws ecr batch-get-image` and `put-image` retag one.

import { SFNClient } from '@aws-sdk/client-sfn';
import { parseCommandLine } from '../args.js';
import { UsageError } from '../errors.js';
import { printJson, type Output } from '../output.js';
import { clientFrom } from '../api-client.js';
import { sdkConfig } from '../aws-clients.js';
import { localAwsEndpoint } from '../local-aws-endpoint.js';
import { isProfileName, PROFILES } from '../../local/world/profiles.js';
import { DEFAULT_AWS_ENDPOINT, DEFAULT_DATA_DIR, ENDPOINTS_FILE } from '../../local/endpoints.js';
import { callLocal } from './local-ecr.js';
import { outcomes, readBefore, type ServiceOutcome } from './push-outcome.js';

const DEFAULT_WAIT_SECONDS = 10;

export const PUSH_HELP = `  cutover local push <repository>:<tag> [--profile P | --from TAG] [--wait S] [--data DIR] [--json]
      Push an image to the local ECR. ECR announces it on EventBridge, as on AWS, and
      the on-image-push handler starts a deployment of every service that deploys the
      repository and whose tag filter takes the tag. Prints the digest, then waits (at
      most --wait real seconds) to say, for each such service, what the push did:
        started   a deployment: its id, its strategy, and how to follow it
        queued    the service was busy; the push starts when its deployment ends
        nothing   no deployment was needed, and why: the tag filter refuses the tag,
                  the image is already live, or the same build is being deployed
        refused   the deployment could not start, and why
      Exits 0 when it started, queued, or nothing was needed (or with --wait 0); 1 when
      refused, or when no outcome was seen in time.
        --profile P   how the image behaves: ${Object.keys(PROFILES).join(' | ')} (default healthy)
        --from TAG    push the image the repository's TAG names under the new tag too (the
                      same digest: one build, two tags), instead of a new image
        --wait S      real seconds to wait for the outcome (default ${DEFAULT_WAIT_SECONDS}; 0: do not wait)
        --data DIR    the local cloud's data folder, whose ${ENDPOINTS_FILE} names its endpoints and
                      which holds its token (default: $CUTOVER_DATA, else ${DEFAULT_DATA_DIR})
        --endpoint U  the AWS endpoint itself (default: $CUTOVER_LOCAL_ENDPOINT, else the
                      one in ${ENDPOINTS_FILE}, else ${DEFAULT_AWS_ENDPOINT}); the HTTP API is found
                      from --data (or $CUTOVER_ENDPOINT), with its token (or --token T)`;

interface EcrImage {
  registryId: string;
  imageId: { imageDigest: string };
  imageManifest: string;
  imageManifestMediaType: string;
}

export async function localPush(args: string[], output: Output, help: string): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    profile: { type: 'string' },
    from: { type: 'string' },
    wait: { type: 'string', default: String(DEFAULT_WAIT_SECONDS) },
    endpoint: { type: 'string' },
    token: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [reference, ...extra] = positionals;
  const match = /^([a-z0-9]+(?:[._/-][a-z0-9]+)*):([A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$/.exec(reference ?? '');
  if (match === null || extra.length > 0)
    throw new UsageError('local push takes one <repository>:<tag>, e.g. web:v2', help);
  const profile = values.profile ?? 'healthy';
  if (!isProfileName(profile))
    throw new UsageError(
      `unknown profile "${profile}"; use one of: ${Object.keys(PROFILES).join(', ')}`,
      help,
    );
  if (values.from !== undefined && values.profile !== undefined)
    throw new UsageError(
      '--from pushes an image already there, with its own profile: leave out --profile',
      help,
    );
  const waitSeconds = Number(values.wait);
  if (!(waitSeconds >= 0 && waitSeconds <= 600) || values.wait.trim() === '')
    throw new UsageError(`--wait takes real seconds from 0 to 600, not ${values.wait}`, help);
  const [, repository, tag] = match as unknown as [string, string, string];
  const endpoint = localAwsEndpoint(values, help);
  const api = clientFrom({ data: values.data, token: values.token });
  const sfn = new SFNClient(
    sdkConfig({ kind: 'local', endpoint, region: process.env.AWS_REGION ?? 'us-east-1' }),
  );
  try {
    // Read first: a push whose outcome could not be told is not made.
    const before = await readBefore(api, sfn, repository);
    const manifest =
      values.from === undefined
        ? await newManifest(repository, tag, profile)
        : await manifestOf(endpoint, repository, values.from);
    const image = (
      (await callLocal(endpoint, 'AmazonEC2ContainerRegistry_V20150921.PutImage', {
        repositoryName: repository,
        imageTag: tag,
        imageManifest: manifest,
      })) as { image: EcrImage }
    ).image;
    const digest = image.imageId.imageDigest;
    const pushed = { repository, tag, digest, manifestMediaType: image.imageManifestMediaType };
    const services = await outcomes(api, sfn, before, pushed, waitSeconds * 1000);
    const what = values.from === undefined ? profile : `the image ${repository}:${values.from} names`;
    report(output, { repository, tag, digest, pushed: what, services }, values.data);
    const unknownAfterWaiting = waitSeconds > 0 && services.some((s) => s.outcome === 'unknown');
    return unknownAfterWaiting || services.some((s) => s.outcome === 'refused') ? 1 : 0;
  } finally {
    sfn.destroy();
  }
}

async function newManifest(repository: string, tag: string, profile: string): Promise<string> {
  const { LocalEcr } = await import('../../local/aws/ecr.js');
  return LocalEcr.manifest(repository, tag, profile);
}

/** The manifest `repository:tag` names, read as `aws ecr batch-get-image` reads it. */
async function manifestOf(endpoint: string, repository: string, tag: string): Promise<string> {
  const answer = (await callLocal(endpoint, 'AmazonEC2ContainerRegistry_V20150921.BatchGetImage', {
    repositoryName: repository,
    imageIds: [{ imageTag: tag }],
  })) as { images: EcrImage[] };
  const found = answer.images[0];
  if (found === undefined)
    throw new UsageError(`--from ${tag}: ${repository} has no image tagged ${tag}; push it first`);
  return found.imageManifest;
}

interface PushReport {
  repository: string;
  tag: string;
  digest: string;
  /** The profile of a new image, or which image was tagged again. */
  pushed: string;
  services: ServiceOutcome[];
}

/** The digest on standard output (for scripts), and what happened on standard error. */
function report(output: Output, result: PushReport, data: string | undefined): void {
  if (output.json) return printJson(output, result);
  output.out(result.digest);
  output.err(`pushed ${result.repository}:${result.tag} (${result.pushed})`);
  if (result.services.length === 0)
    output.err(`  nothing started: no service deploys repository ${result.repository}`);
  const width = Math.max(...result.services.map((s) => s.service.length));
  const withData = data === undefined ? '' : ` --data ${data}`;
  for (const s of result.services) {
    const name = `${s.service}:`.padEnd(width + 1);
    if (s.outcome === 'started')
      output.err(
        `  ${name} started ${s.deploymentId} (${s.strategy}); follow it: cutover status ${s.deploymentId} --watch${withData}`,
      );
    else output.err(`  ${name} ${s.outcome === 'nothing' ? 'nothing started' : s.outcome}: ${s.reason}`);
  }
}
