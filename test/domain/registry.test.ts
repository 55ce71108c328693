// Registry pinning: a service deploys images only from the ECR registry (account and
// region) the catalog names for it, by default its own account and region; and which
// pushed manifests are runnable images.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { CatalogInvalid, DeploymentRequestInvalid, type Problem } from '../../shared/domain/errors.js';
import { pushedKind } from '../../shared/domain/media-types.js';
import { registryOf } from '../../shared/domain/registry.js';

const example = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8');
const DIGEST = `sha256:${'ab12'.repeat(16)}`;
const image = (host: string) => `${host}/web@${DIGEST}`;

/** The example catalog with web's `images.registry` set to `registry` (YAML flow text), or removed. */
function withRegistry(registry: string | null): string {
  const line = "      registry: { account: '123456789012', region: us-east-1 }\n";
  expect(example).toContain(line);
  return example.replace(line, () => (registry === null ? '' : `      registry: ${registry}\n`));
}

function problemsOf(run: () => unknown): Problem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof CatalogInvalid || error instanceof DeploymentRequestInvalid)
      return [...error.problems];
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('registry pinning', () => {
  it('defaults to the account and region of the service’s listener rule', () => {
    const catalog = parseCatalog(withRegistry(null));
    expect(registryOf(catalog.services.web!)).toEqual({ account: '123456789012', region: 'us-east-1' });
  });

  it('takes the account from the catalog, and the region too when given', () => {
    const shared = parseCatalog(withRegistry("{ account: '210987654321' }"));
    expect(registryOf(shared.services.web!)).toEqual({ account: '210987654321', region: 'us-east-1' });
    const elsewhere = parseCatalog(withRegistry("{ account: '210987654321', region: eu-west-1 }"));
    expect(registryOf(elsewhere.services.web!)).toEqual({ account: '210987654321', region: 'eu-west-1' });
  });

  it.each([
    ['an unquoted account', '{ account: 012345678901 }', 'registry.account', 'must be quoted'],
    ['a short account', "{ account: '1234' }", 'registry.account', '12-digit'],
    ['no account', '{ region: us-east-1 }', 'registry.account', 'is required'],
    ['a bad region', "{ account: '123456789012', region: Mars }", 'registry.region', 'AWS region'],
    ['an unknown field', "{ account: '123456789012', host: x }", 'registry', 'unknown field "host"'],
  ])('refuses a catalog with %s', (_name, registry, path, words) => {
    const problems = problemsOf(() => parseCatalog(withRegistry(registry)));
    expect(problems).toContainEqual({
      path: `services.web.images.${path}`,
      message: expect.stringContaining(words),
    });
  });

  const catalog = parseCatalog(example);
  const deploy = (host: string) =>
    validateDeploymentRequest({ service: 'web', image: image(host) }, catalog, 'd');

  it('accepts an image from the pinned registry, in any spelling of its host', () => {
    expect(deploy('123456789012.dkr.ecr.us-east-1.amazonaws.com').image).toBe(
      image('123456789012.dkr.ecr.us-east-1.amazonaws.com'),
    );
    expect(() => deploy('123456789012.dkr.ecr-fips.us-east-1.amazonaws.com')).not.toThrow();
  });

  it.each([
    ['another account', '999999999999.dkr.ecr.us-east-1.amazonaws.com', 'account 999999999999'],
    ['another region', '123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'region eu-west-1'],
    ['both', '999999999999.dkr.ecr.eu-west-1.amazonaws.com', 'account 999999999999 and region eu-west-1'],
    ['not ECR', 'registry.example.com', 'Amazon ECR private registry'],
    ['a made-up region', '123456789012.dkr.ecr.nowhere.amazonaws.com', 'Amazon ECR private registry'],
  ])('refuses an image from %s, saying what to do', (_name, host, words) => {
    const problems = problemsOf(() => deploy(host));
    expect(problems).toEqual([{ path: 'image', message: expect.stringContaining(words) }]);
    if (host.includes('dkr.ecr.') && !host.includes('nowhere')) {
      expect(problems[0]!.message).toContain('123456789012.dkr.ecr.us-east-1.amazonaws.com');
      expect(problems[0]!.message).toContain('images.registry');
    }
  });
});

describe('which pushed manifests are runnable images', () => {
  const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
  const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
  const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

  it.each([
    ['an OCI index', { manifestMediaType: OCI_INDEX }, 'index'],
    [
      'a Docker manifest list',
      { manifestMediaType: 'application/vnd.docker.distribution.manifest.list.v2+json' },
      'index',
    ],
    ['an OCI image', { manifestMediaType: OCI_MANIFEST, artifactMediaType: OCI_CONFIG }, 'image'],
    [
      'a Docker image',
      {
        manifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        artifactMediaType: 'application/vnd.docker.container.image.v1+json',
      },
      'image',
    ],
  ])('%s is runnable', (_name, push, kind) => {
    expect(pushedKind({ tag: 'v1', ...push })).toBe(kind);
  });

  it.each([
    ['a cosign signature tag', { tag: `sha256-${'a'.repeat(64)}.sig`, manifestMediaType: OCI_MANIFEST }],
    ['a cosign attestation tag', { tag: `sha256-${'a'.repeat(64)}.att`, manifestMediaType: OCI_MANIFEST }],
    ['an OCI referrers tag', { tag: `sha256-${'a'.repeat(64)}`, manifestMediaType: OCI_INDEX }],
    ['an SBOM', { manifestMediaType: OCI_MANIFEST, artifactMediaType: 'application/spdx+json' }],
    [
      'a signature artifact',
      { manifestMediaType: OCI_MANIFEST, artifactMediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
    ],
    [
      'a schema 1 manifest',
      { manifestMediaType: 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
    ],
    ['an event without media types', {}],
  ])('%s is not', (_name, push) => {
    expect(pushedKind(push)).toEqual({ reason: expect.any(String) });
  });
});
