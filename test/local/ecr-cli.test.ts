// The real AWS CLI (v1) pushing to the local ECR as a multi-platform build does: each
// manifest through `aws ecr put-image`, untagged per-platform and attestation manifests
// first, then the tagged index, then a cosign signature tag. ECR sends an event for
// each; exactly one deployment starts, of the index. PutImage also refuses what ECR
// refuses, in ECR's error shape.

import { createHash } from 'node:crypto';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROFILE_ANNOTATION } from '../../local/world/profiles.js';
import { awsCli, hasAwsCli } from '../support/aws-cli.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const digestOf = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const blob = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;

/** A platform's image manifest, or (with `attestation`) buildx's in-toto attestation manifest. */
function manifest(seed: string, attestation = false): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: OCI_CONFIG, digest: blob(`${seed}-config`), size: 512 },
    layers: [
      {
        mediaType: attestation
          ? 'application/vnd.in-toto+json'
          : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: blob(`${seed}-layer`),
        size: 2048,
      },
    ],
    ...(attestation ? {} : { annotations: { [PROFILE_ANNOTATION]: 'healthy' } }),
  });
}

function index(amd64: string, arm64: string, attestation: string): string {
  const entry = (text: string, platform: object, annotations?: object) => ({
    mediaType: OCI_MANIFEST,
    digest: digestOf(text),
    size: text.length,
    platform,
    ...(annotations ? { annotations } : {}),
  });
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [
      entry(amd64, { architecture: 'amd64', os: 'linux' }),
      entry(arm64, { architecture: 'arm64', os: 'linux' }),
      entry(
        attestation,
        { architecture: 'unknown', os: 'unknown' },
        {
          'vnd.docker.reference.type': 'attestation-manifest',
          'vnd.docker.reference.digest': digestOf(amd64),
        },
      ),
    ],
  });
}

const aws = (...args: string[]) => awsCli(handle.cloud.endpoint, ...args);

const putImage = (text: string, ...more: string[]) =>
  aws('ecr', 'put-image', '--repository-name', 'canary', '--image-manifest', text, ...more);

async function executionsOf(service: string) {
  const all = [];
  for (const stateMachineArn of handle.cloud.stepFunctions.machines.keys()) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    all.push(...(listed.executions ?? []).filter((e) => e.name?.startsWith(`${service}-`)));
  }
  return all;
}

describe.skipIf(!hasAwsCli)('aws ecr put-image against the local cloud', () => {
  beforeAll(async () => {
    handle = await startCloud({ port: await freePort() });
  });

  afterAll(async () => {
    await handle?.stop();
  });

  it('a multi-platform push (three untagged manifests, then the tagged index, then a signature) gives exactly one deployment', async () => {
    const amd64 = manifest('amd64');
    const arm64 = manifest('arm64');
    const attestation = manifest('attestation', true);
    for (const text of [amd64, arm64, attestation]) {
      const pushed = await putImage(text);
      expect(pushed.stderr).toBe('');
      expect(pushed.json.image).toMatchObject({ imageId: { imageDigest: digestOf(text) } });
    }
    const top = index(amd64, arm64, attestation);
    const tagged = await putImage(top, '--image-tag', 'v2');
    expect(tagged.json.image).toMatchObject({
      imageId: { imageDigest: digestOf(top), imageTag: 'v2' },
      imageManifestMediaType: OCI_INDEX,
    });
    const signature = manifest('signature', true);
    const signed = await putImage(signature, '--image-tag', `${digestOf(top).replace(':', '-')}.sig`);
    expect(signed.status).toBe(0);

    await until(
      async () => (await executionsOf('canary')).some((e) => e.status !== 'RUNNING'),
      'the deployment to end',
      60_000,
    );
    const executions = await executionsOf('canary');
    expect(executions).toHaveLength(1);
    expect(executions[0]!.name).toMatch(new RegExp(`^canary-${digestOf(top).slice(7, 19)}-e`));
    expect(executions[0]!.status).toBe('SUCCEEDED');
    const live = (await handle.clients.serviceStates.get('canary')).stable;
    expect(live?.image).toBe(`000000000000.dkr.ecr.us-east-1.amazonaws.com/canary@${digestOf(top)}`);
  });

  it('describe-images reports each manifest’s media type, tagged or not', async () => {
    const { json } = await aws('ecr', 'describe-images', '--repository-name', 'canary');
    const types = (json.imageDetails as { imageManifestMediaType: string; imageTags?: string[] }[]).map(
      (d) => [d.imageManifestMediaType, (d.imageTags ?? []).length],
    );
    expect(types).toContainEqual([OCI_INDEX, 1]);
    expect(types.filter(([type, tags]) => type === OCI_MANIFEST && tags === 0)).toHaveLength(3);
  });

  it.each([
    [
      'an index of manifests the repository does not hold',
      () => [index(manifest('x'), manifest('y'), manifest('z', true))],
      'ReferencedImagesNotFoundException',
    ],
    [
      'a manifest without a media type, and none given',
      () => [JSON.stringify({ schemaVersion: 2, config: {}, layers: [] })],
      'InvalidParameterException',
    ],
    [
      'a media type that disagrees with the manifest',
      () => [manifest('disagree'), '--image-manifest-media-type', OCI_INDEX],
      'InvalidParameterException',
    ],
    [
      'a digest that is not the manifest’s',
      () => [manifest('digest'), '--image-digest', `sha256:${'0'.repeat(64)}`],
      'ImageDigestDoesNotMatchException',
    ],
  ])('refuses %s, as ECR does', async (_name, args, code) => {
    const [text, ...more] = args();
    const refused = await putImage(text!, ...more);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(code);
  });
});
