// Container image references, parsed by the OCI distribution reference grammar
// with ECR's repository-name limits. A release never uses a mutable tag, so
// anything that reaches a task definition must be pinned by a sha256 digest.
import { ImageReferenceInvalid } from './errors.js';

/** A parsed container image reference: `[registry/]repository[:tag][@digest]`. */
export interface ImageRef {
  /** Host with an optional port, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com` or `localhost:5000`. */
  readonly registry?: string;
  /** Lowercase path inside the registry, e.g. `team/web`. */
  readonly repository: string;
  /** A mutable tag such as `v2`, kept for display only. */
  readonly tag?: string;
  /** `sha256:` followed by 64 lowercase hex digits: the identity of the image. */
  readonly digest?: string;
}

/** A reference pinned by digest: the only kind Cutover deploys. */
export type PinnedImageRef = ImageRef & { readonly digest: string };

export interface ParseImageRefOptions {
  /** Reject tag-only references (true for deployments; false when describing pushes). */
  readonly requireDigest: boolean;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^\w[\w.-]{0,127}$/;
const MAX_TAG_LENGTH = 128;
const MIN_REPOSITORY_LENGTH = 2;
const MAX_REPOSITORY_LENGTH = 256;
const REGISTRY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$/;
/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com`, or `.amazonaws.com.cn` in the China regions. */
const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/;
const PINNED_FORM = 'repo@sha256:<64 hex>';

/**
 * Parses an image reference.
 * @throws ImageReferenceInvalid when the text is not a valid reference, or has no digest
 *   while `options.requireDigest` is true.
 */
export function parseImageRef(text: string, options: ParseImageRefOptions): ImageRef {
  return options.requireDigest ? parsePinnedImage(text) : parseAnyImageRef(text);
}

/**
 * Parses a reference that must be pinned by digest; a tag alone is rejected with a hint
 * on how to look up its digest.
 * @throws ImageReferenceInvalid
 */
export function parsePinnedImage(text: string): PinnedImageRef {
  const ref = parseAnyImageRef(text);
  if (!isPinned(ref)) throw mutableTagError(text, ref);
  return ref;
}

export function isPinned(ref: ImageRef): ref is PinnedImageRef {
  return ref.digest !== undefined;
}

/** The canonical text `registry/repo:tag@sha256:…`, omitting absent parts. */
export function formatImageRef(ref: ImageRef): string {
  const name = ref.registry === undefined ? ref.repository : `${ref.registry}/${ref.repository}`;
  const tag = ref.tag === undefined ? '' : `:${ref.tag}`;
  const digest = ref.digest === undefined ? '' : `@${ref.digest}`;
  return `${name}${tag}${digest}`;
}

/** `registry/repo@sha256:…` without the tag: the image as written into a task definition. */
export function pinnedImage(ref: PinnedImageRef): string {
  return formatImageRef({ registry: ref.registry, repository: ref.repository, digest: ref.digest });
}

/** The account and region of an Amazon ECR private registry's host; null for any other host. */
export function parseEcrRegistry(host: string): { account: string; region: string } | null {
  const match = ECR_REGISTRY.exec(host.toLowerCase());
  return match === null ? null : { account: match[1]!, region: match[2]! };
}

/** True for `sha256:` followed by exactly 64 lowercase hex digits. */
export function isDigest(text: string): boolean {
  return DIGEST.test(text);
}

/**
 * True when both references name the same image: same registry, repository and digest.
 * References without a digest are never the same image, because a tag can move.
 */
export function sameImage(a: ImageRef, b: ImageRef): boolean {
  return (
    a.digest !== undefined &&
    a.digest === b.digest &&
    a.repository === b.repository &&
    // Host names are case-insensitive; repositories and digests are not.
    a.registry?.toLowerCase() === b.registry?.toLowerCase()
  );
}

function parseAnyImageRef(text: string): ImageRef {
  if (text === '') throw new ImageReferenceInvalid(`image reference is empty; give ${PINNED_FORM}`);
  const blank = /\s/.exec(text);
  if (blank) {
    throw invalid(
      text,
      `contains whitespace at character ${blank.index + 1}; remove it (references never contain spaces, tabs or line breaks)`,
    );
  }
  const { name: nameAndTag, digest } = splitDigest(text);
  const { name, tag } = splitTag(text, nameAndTag);
  const { registry, repository } = splitRegistry(text, name);
  return {
    ...(registry !== undefined && { registry }),
    repository,
    ...(tag !== undefined && { tag }),
    ...(digest !== undefined && { digest }),
  };
}

function splitDigest(text: string): { name: string; digest?: string } {
  const at = text.indexOf('@');
  if (at === -1) return { name: text };
  if (text.includes('@', at + 1)) {
    throw invalid(text, `has more than one '@'; write ${PINNED_FORM}, with a single '@' before the digest`);
  }
  const digest = text.slice(at + 1);
  checkDigest(text, digest);
  return { name: text.slice(0, at), digest };
}

function checkDigest(text: string, digest: string): void {
  if (digest === '') {
    throw invalid(text, `has '@' but no digest after it; write ${PINNED_FORM}`);
  }
  const colon = digest.indexOf(':');
  if (colon === -1) {
    if (/^[0-9a-fA-F]+$/.test(digest)) {
      throw invalid(text, `has a digest without its algorithm; write @sha256:${digest}`);
    }
    throw invalid(text, `has ${quote(digest)} after '@', which is not a digest; write ${PINNED_FORM}`);
  }
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  if (algorithm !== 'sha256') {
    throw invalid(
      text,
      `uses the digest algorithm ${quote(algorithm)}; ECR identifies images by sha256 digests, so use the sha256:<64 hex> imageDigest that ECR reports`,
    );
  }
  if (!/^[0-9a-fA-F]*$/.test(hex)) {
    throw invalid(text, 'has non-hex characters in its digest; a sha256 digest is 64 hex digits (0-9, a-f)');
  }
  if (hex.length !== 64) {
    throw invalid(
      text,
      `has a digest of ${hex.length} hex digits; a sha256 digest has exactly 64, so copy the full digest again`,
    );
  }
  if (hex !== hex.toLowerCase()) {
    throw invalid(text, `has uppercase hex in its digest; use lowercase: sha256:${hex.toLowerCase()}`);
  }
}

function splitTag(text: string, nameAndTag: string): { name: string; tag?: string } {
  const colon = nameAndTag.lastIndexOf(':');
  // A colon before the last '/' belongs to a registry port, as in `registry:5000/web`.
  if (colon === -1 || colon < nameAndTag.lastIndexOf('/')) return { name: nameAndTag };
  const tag = nameAndTag.slice(colon + 1);
  if (tag === '') throw invalid(text, "has ':' but no tag after it; add the tag or remove the ':'");
  if (tag.length > MAX_TAG_LENGTH) {
    throw invalid(text, `has a tag of ${tag.length} characters; a tag has at most ${MAX_TAG_LENGTH}`);
  }
  if (!TAG.test(tag)) {
    throw invalid(
      text,
      `has the tag ${quote(tag)}, which is not valid: a tag uses only letters, digits, '_', '.' and '-', and does not start with '.' or '-'`,
    );
  }
  return { name: nameAndTag.slice(0, colon), tag };
}

function splitRegistry(text: string, name: string): { registry?: string; repository: string } {
  const slash = name.indexOf('/');
  const first = name.slice(0, slash);
  if (slash === -1 || !looksLikeRegistry(first)) return { repository: checkRepository(text, name) };
  if (!REGISTRY.test(first)) {
    throw invalid(
      text,
      `has the registry ${quote(first)}, which is not a valid host[:port] such as registry.example.com:5000`,
    );
  }
  return { registry: first, repository: checkRepository(text, name.slice(slash + 1)) };
}

/** Docker's rule: the first component is a registry only if it has a '.' or ':' or is `localhost`. */
function looksLikeRegistry(component: string): boolean {
  return component.includes('.') || component.includes(':') || component === 'localhost';
}

function checkRepository(text: string, repository: string): string {
  if (repository === '') throw invalid(text, `has no repository name; write ${PINNED_FORM}`);
  for (const component of repository.split('/')) {
    if (component === '') {
      throw invalid(
        text,
        `has an empty path component in the repository ${quote(repository)}; remove the extra '/'`,
      );
    }
    if (PATH_COMPONENT.test(component)) continue;
    if (PATH_COMPONENT.test(component.toLowerCase())) {
      throw invalid(
        text,
        `has uppercase letters in the repository ${quote(repository)}; repository names are lowercase, so use ${quote(repository.toLowerCase())}`,
      );
    }
    throw invalid(
      text,
      `has the repository path component ${quote(component)}, which is not valid: use lowercase letters and digits, joined by '.', '_', '__' or '-' (not at the start or end)`,
    );
  }
  if (repository.length < MIN_REPOSITORY_LENGTH || repository.length > MAX_REPOSITORY_LENGTH) {
    throw invalid(
      text,
      `has a repository name of ${repository.length} characters; ECR repository names have ${MIN_REPOSITORY_LENGTH} to ${MAX_REPOSITORY_LENGTH}`,
    );
  }
  return repository;
}

function mutableTagError(text: string, ref: ImageRef): ImageReferenceInvalid {
  const problem =
    ref.tag === undefined
      ? `has no tag or digest, so Docker reads it as ${quote(`${text}:latest`)}, a mutable tag`
      : 'is a mutable tag';
  return invalid(
    text,
    `${problem}; Cutover deploys only digest-pinned images (${PINNED_FORM}). Get the digest with: ${digestLookup(ref, ref.tag ?? 'latest')}.`,
  );
}

/** The command that prints the digest behind a tag, for the registry the reference names. */
function digestLookup(ref: ImageRef, tag: string): string {
  const ecr = ref.registry === undefined ? null : parseEcrRegistry(ref.registry);
  if (ref.registry !== undefined && ecr === null) {
    return `docker buildx imagetools inspect ${ref.registry}/${ref.repository}:${tag} (the "Digest:" line)`;
  }
  const account = ecr === null ? '' : ` --registry-id ${ecr.account} --region ${ecr.region}`;
  return (
    `aws ecr describe-images${account} --repository-name ${ref.repository} --image-ids imageTag=${tag}` +
    ` --query 'imageDetails[0].imageDigest' --output text` +
    ` (or, on the local cloud, the digest printed by 'cutover local push ${ref.repository}:${tag}')`
  );
}

function invalid(text: string, problem: string): ImageReferenceInvalid {
  return new ImageReferenceInvalid(`image ${quote(text)} ${problem}`);
}

/** Quotes user input for a message, escaping control characters and capping its length. */
function quote(text: string): string {
  const limit = 200;
  return JSON.stringify(text.length > limit ? `${text.slice(0, limit)}…` : text);
}
