// What a registry holds besides images: the media types of image indexes, image
// manifests and their configs, and the tags that signing and attestation tools give
// their artifacts. ECR's push event names the pushed manifest's media type
// (`manifest-media-type`) and its config's or artifact type (`artifact-media-type`);
// these rules say which pushes ECS could run.

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';

/** A multi-platform image: one manifest per platform (and, from buildx, attestations). */
export const INDEX_TYPES: readonly string[] = [OCI_INDEX, DOCKER_MANIFEST_LIST];
/** One platform's image. */
export const IMAGE_MANIFEST_TYPES: readonly string[] = [OCI_MANIFEST, DOCKER_MANIFEST];
/** The config of a runnable image; anything else (a signature, an SBOM, a Helm chart) is an artifact. */
export const IMAGE_CONFIG_TYPES: readonly string[] = [OCI_CONFIG, DOCKER_CONFIG];

/**
 * Tags that name an artifact attached to an image, never a release: cosign's
 * `sha256-<hex>.sig`, `.att` and `.sbom`, and the OCI referrers tag schema's `sha256-<hex>`.
 */
const REFERRER_TAG = /^sha256-[0-9a-f]{64}(?:\.[A-Za-z0-9_-]+)?$/;

export type PushedKind = 'index' | 'image';

/** What the pushed manifest is, or why it is not something ECS runs. */
export function pushedKind(push: {
  tag?: string | undefined;
  manifestMediaType?: string | undefined;
  artifactMediaType?: string | undefined;
}): PushedKind | { reason: string } {
  if (push.tag !== undefined && REFERRER_TAG.test(push.tag)) {
    return {
      reason: `tag "${push.tag}" names a signature, attestation or SBOM of another image (cosign or OCI referrers), not a release`,
    };
  }
  const manifest = push.manifestMediaType;
  if (manifest === undefined) {
    return { reason: 'the event names no manifest-media-type, so it cannot tell a runnable image' };
  }
  const artifact = push.artifactMediaType;
  if (artifact !== undefined && !IMAGE_CONFIG_TYPES.includes(artifact)) {
    return {
      reason: `artifact-media-type ${artifact} is an artifact (a signature, SBOM or other), not an image`,
    };
  }
  if (INDEX_TYPES.includes(manifest)) return 'index';
  if (IMAGE_MANIFEST_TYPES.includes(manifest)) return 'image';
  return { reason: `manifest-media-type ${manifest} is not an image index or image manifest ECS can run` };
}
