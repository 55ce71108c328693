// A local Amazon ECR (AWS JSON 1.1, target prefix AmazonEC2ContainerRegistry_V20150921):
// repositories and image manifests. PutImage computes the digest as ECR does (the
// SHA-256 of the manifest), refuses what ECR refuses (a manifest without a media type,
// two media types that disagree, a digest that does not match, an index of manifests
// the repository does not hold) and, like ECR, announces every manifest it stores,
// tagged or not, on EventBridge with an "ECR Image Action" event that carries the
// manifest's media type and its config's (or artifact's) media type. The simulated
// world reads an image's behaviour from its manifest's annotations.

import { createHash } from 'node:crypto';
import {
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  INDEX_TYPES,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_MANIFEST,
} from '../../shared/domain/media-types.js';
import { PROFILE_ANNOTATION, PROFILES, isProfileName, type ImageProfile } from '../world/profiles.js';
import { optionalList, optionalString, requireString, type LocalService } from './service.js';
import { AwsError } from '../errors.js';

interface Image {
  digest: string;
  tags: string[];
  manifest: string;
  mediaType: string;
  pushedAt: number;
}

interface Repository {
  repositoryName: string;
  repositoryArn: string;
  repositoryUri: string;
  createdAt: number;
  images: Image[];
}

export interface EcrPushEvent {
  source: 'aws.ecr';
  'detail-type': 'ECR Image Action';
  detail: {
    result: 'SUCCESS';
    'repository-name': string;
    'image-digest': string;
    'action-type': 'PUSH';
    'image-tag'?: string;
    'manifest-media-type': string;
    'artifact-media-type'?: string;
  };
  time: number;
}

/** The manifest media types ECR stores. */
const MANIFEST_TYPES = [
  OCI_MANIFEST,
  DOCKER_MANIFEST,
  OCI_INDEX,
  DOCKER_MANIFEST_LIST,
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

interface Manifest {
  mediaType?: unknown;
  artifactType?: unknown;
  config?: { mediaType?: unknown };
  manifests?: { digest?: unknown }[];
  annotations?: Record<string, string>;
}

export class LocalEcr {
  readonly service: LocalService;
  private repositories: Repository[] = [];
  /**
   * Each digest's profile, as the world asks for every task many times a second. A digest's own
   * manifest never changes; an index's profile may once a manifest it lists is pushed, so a push
   * (or a restore) empties it.
   */
  private readonly profiles = new Map<string, ImageProfile>();

  constructor(
    private readonly options: {
      region: string;
      account: string;
      now: () => number;
      onPush?: (event: EcrPushEvent) => void;
    },
  ) {
    this.service = {
      name: 'ecr',
      operations: {
        CreateRepository: (i) => ({
          repository: view(this.createRepository(requireString(i, 'repositoryName'))),
        }),
        DescribeRepositories: (i) => this.describeRepositories(optionalList<string>(i, 'repositoryNames')),
        PutImage: (i) => this.putImage(i),
        DescribeImages: (i) => this.describeImages(i),
        BatchGetImage: (i) => this.batchGetImage(i),
      },
    };
  }

  get registry(): string {
    return `${this.options.account}.dkr.ecr.${this.options.region}.amazonaws.com`;
  }

  createRepository(name: string): Repository {
    if (!/^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: ${name}`,
      );
    }
    const existing = this.repositories.find((r) => r.repositoryName === name);
    if (existing !== undefined) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists`,
      );
    }
    const repository: Repository = {
      repositoryName: name,
      repositoryArn: `arn:aws:ecr:${this.options.region}:${this.options.account}:repository/${name}`,
      repositoryUri: `${this.registry}/${name}`,
      createdAt: this.options.now(),
      images: [],
    };
    this.repositories.push(repository);
    return repository;
  }

  ensureRepository(name: string): void {
    if (!this.repositories.some((r) => r.repositoryName === name)) this.createRepository(name);
  }

  /** A manifest for a simulated image whose behaviour is `profile`. */
  static manifest(repository: string, tag: string, profile: string): string {
    const layer = createHash('sha256').update(`${repository}:${tag}:${profile}:${Date.now()}`).digest('hex');
    return JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: OCI_CONFIG,
        digest: `sha256:${layer}`,
        size: 1024,
      },
      layers: [],
      annotations: { [PROFILE_ANNOTATION]: profile },
    });
  }

  putImage(input: Record<string, unknown>) {
    const repository = this.repository(requireString(input, 'repositoryName'));
    const manifestText = requireString(input, 'imageManifest');
    const tag = optionalString(input, 'imageTag');
    const manifest = parseManifest(manifestText);
    const mediaType = manifestMediaType(manifest, optionalString(input, 'imageManifestMediaType'));
    const digest = `sha256:${createHash('sha256').update(manifestText).digest('hex')}`;
    const given = optionalString(input, 'imageDigest');
    if (given !== undefined && given !== digest) {
      throw new AwsError(
        'ImageDigestDoesNotMatchException',
        `The imageDigest ${given} does not match the digest of the manifest, ${digest}`,
      );
    }
    if (INDEX_TYPES.includes(mediaType)) this.checkReferences(repository, manifest);
    let image = repository.images.find((i) => i.digest === digest);
    if (image !== undefined && (tag === undefined || image.tags.includes(tag))) {
      throw new AwsError(
        'ImageAlreadyExistsException',
        `Image with digest '${digest}' and tag '${tag ?? ''}' already exists`,
      );
    }
    if (tag !== undefined)
      for (const other of repository.images) other.tags = other.tags.filter((t) => t !== tag);
    if (image === undefined) {
      image = { digest, tags: [], manifest: manifestText, mediaType, pushedAt: this.options.now() };
      repository.images.push(image);
      this.profiles.clear();
    }
    if (tag !== undefined) image.tags.push(tag);
    const artifact = artifactMediaType(manifest);
    this.options.onPush?.({
      source: 'aws.ecr',
      'detail-type': 'ECR Image Action',
      detail: {
        result: 'SUCCESS',
        'repository-name': repository.repositoryName,
        'image-digest': digest,
        'action-type': 'PUSH',
        ...(tag === undefined ? {} : { 'image-tag': tag }),
        'manifest-media-type': mediaType,
        ...(artifact === undefined ? {} : { 'artifact-media-type': artifact }),
      },
      time: this.options.now(),
    });
    return {
      image: {
        registryId: this.options.account,
        repositoryName: repository.repositoryName,
        imageId: { imageDigest: digest, ...(tag === undefined ? {} : { imageTag: tag }) },
        imageManifest: manifestText,
        imageManifestMediaType: image.mediaType,
      },
    };
  }

  /** ECR stores an index only when it holds every manifest the index lists. */
  private checkReferences(repository: Repository, manifest: Manifest): void {
    const missing = (manifest.manifests ?? [])
      .map((m) => m.digest)
      .filter((d) => !repository.images.some((i) => i.digest === d));
    if (missing.length > 0) {
      throw new AwsError(
        'ReferencedImagesNotFoundException',
        `The manifest list references images that do not exist in the repository '${repository.repositoryName}': ${missing.map(String).join(', ')}. Push them first`,
      );
    }
  }

  private describeRepositories(names: string[]) {
    const repositories = names.length === 0 ? this.repositories : names.map((n) => this.repository(n));
    return { repositories: repositories.map(view) };
  }

  private describeImages(input: Record<string, unknown>) {
    const repository = this.repository(requireString(input, 'repositoryName'));
    const ids = optionalList<{ imageDigest?: string; imageTag?: string }>(input, 'imageIds');
    const images =
      ids.length === 0
        ? repository.images
        : ids.map((id) => {
            const found = repository.images.find(
              (i) =>
                i.digest === id.imageDigest || (id.imageTag !== undefined && i.tags.includes(id.imageTag)),
            );
            if (found === undefined) {
              throw new AwsError(
                'ImageNotFoundException',
                `The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repository.repositoryName}'`,
              );
            }
            return found;
          });
    return {
      imageDetails: images.map((i) => ({
        registryId: this.options.account,
        repositoryName: repository.repositoryName,
        imageDigest: i.digest,
        imageTags: i.tags,
        imagePushedAt: new Date(i.pushedAt),
        imageSizeInBytes: i.manifest.length,
        imageManifestMediaType: i.mediaType,
      })),
    };
  }

  /** Images with their manifests, as `aws ecr batch-get-image` reads them to retag one. */
  private batchGetImage(input: Record<string, unknown>) {
    const repository = this.repository(requireString(input, 'repositoryName'));
    const ids = optionalList<{ imageDigest?: string; imageTag?: string }>(input, 'imageIds');
    if (ids.length === 0)
      throw new AwsError(
        'InvalidParameterException',
        "Invalid parameter at 'imageIds': must name 1 to 100 images",
      );
    const images = [];
    const failures = [];
    for (const id of ids) {
      const found = repository.images.find(
        (i) => i.digest === id.imageDigest || (id.imageTag !== undefined && i.tags.includes(id.imageTag)),
      );
      if (found === undefined) {
        failures.push({
          imageId: id,
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        });
        continue;
      }
      images.push({
        registryId: this.options.account,
        repositoryName: repository.repositoryName,
        imageId: {
          imageDigest: found.digest,
          ...(id.imageTag === undefined ? {} : { imageTag: id.imageTag }),
        },
        imageManifest: found.manifest,
        imageManifestMediaType: found.mediaType,
      });
    }
    return { images, failures };
  }

  /**
   * Whether this registry holds an image reference (`<registry>/<repo>[:tag][@sha256:…]`): the
   * host is this registry, the repository exists, and it has the digest (or, without one, the tag).
   * What a task's image pull needs; ECS stops a task whose image is not here.
   */
  holds(image: string): boolean {
    const slash = image.indexOf('/');
    if (slash < 0 || image.slice(0, slash) !== this.registry) return false;
    const [name = '', digest] = image.slice(slash + 1).split('@');
    const colon = name.lastIndexOf(':');
    const repositoryName = colon < 0 ? name : name.slice(0, colon);
    const tag = colon < 0 ? 'latest' : name.slice(colon + 1);
    const repository = this.repositories.find((r) => r.repositoryName === repositoryName);
    if (repository === undefined) return false;
    return repository.images.some((i) => (digest === undefined ? i.tags.includes(tag) : i.digest === digest));
  }

  /** The profile of an image reference (`…/repo[:tag]@sha256:…`); images not pushed here are healthy. */
  profileOf(image: string): ImageProfile {
    const digest = image.slice(image.indexOf('@') + 1);
    let profile = this.profiles.get(digest);
    if (profile === undefined) this.profiles.set(digest, (profile = this.findProfile(digest)));
    return profile;
  }

  private findProfile(digest: string): ImageProfile {
    for (const repository of this.repositories) {
      const found = repository.images.find((i) => i.digest === digest);
      if (found === undefined) continue;
      const name = this.annotationsOf(repository, found)[PROFILE_ANNOTATION] ?? 'healthy';
      return isProfileName(name) ? PROFILES[name] : PROFILES.healthy;
    }
    return PROFILES.healthy;
  }

  /** An image's annotations; an index's are those of the first manifest it lists that has any. */
  private annotationsOf(repository: Repository, image: Image): Record<string, string> {
    const manifest = JSON.parse(image.manifest) as Manifest;
    if (manifest.annotations !== undefined) return manifest.annotations;
    for (const child of manifest.manifests ?? []) {
      const found = repository.images.find((i) => i.digest === child.digest && i !== image);
      if (found === undefined) continue;
      const annotations = this.annotationsOf(repository, found);
      if (Object.keys(annotations).length > 0) return annotations;
    }
    return {};
  }

  snapshot(): Repository[] {
    return structuredClone(this.repositories);
  }

  /** JSON.stringify(snapshot()), without the copy. */
  snapshotText(): string {
    return JSON.stringify(this.repositories);
  }

  restore(repositories: Repository[]): void {
    this.repositories = structuredClone(repositories);
    this.profiles.clear();
  }

  private repository(name: string): Repository {
    const repository = this.repositories.find((r) => r.repositoryName === name);
    if (repository === undefined) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.options.account}'`,
      );
    }
    return repository;
  }
}

function view(repository: Repository) {
  return {
    repositoryName: repository.repositoryName,
    repositoryArn: repository.repositoryArn,
    repositoryUri: repository.repositoryUri,
    registryId: repository.repositoryArn.split(':')[4],
    createdAt: new Date(repository.createdAt),
  };
}

function parseManifest(text: string): Manifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AwsError(
      'InvalidParameterException',
      'Invalid parameter at imageManifest: the manifest is not valid JSON',
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new AwsError(
      'InvalidParameterException',
      'Invalid parameter at imageManifest: the manifest is not a JSON object',
    );
  }
  return parsed;
}

/** The manifest's media type: its `mediaType` field or the request's, which must agree when both are given. */
function manifestMediaType(manifest: Manifest, requested: string | undefined): string {
  const own = typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined;
  if (own !== undefined && requested !== undefined && own !== requested) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at imageManifestMediaType: ${requested} does not match the manifest's mediaType ${own}`,
    );
  }
  const mediaType = own ?? requested;
  if (mediaType === undefined) {
    throw new AwsError(
      'InvalidParameterException',
      'Invalid parameter at imageManifestMediaType: the manifest has no mediaType field, so give imageManifestMediaType',
    );
  }
  if (!MANIFEST_TYPES.includes(mediaType)) {
    throw new AwsError(
      'InvalidParameterException',
      `Invalid parameter at imageManifestMediaType: ${mediaType} is not a manifest media type ECR supports (${MANIFEST_TYPES.join(', ')})`,
    );
  }
  return mediaType;
}

/** What ECR reports as `artifact-media-type`: the manifest's artifactType, else its config's media type. */
function artifactMediaType(manifest: Manifest): string | undefined {
  if (typeof manifest.artifactType === 'string') return manifest.artifactType;
  return typeof manifest.config?.mediaType === 'string' ? manifest.config.mediaType : undefined;
}
