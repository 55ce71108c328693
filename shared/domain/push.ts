// Which services an ECR push deploys. ECR sends one event per manifest it stores, so
// one multi-platform build sends several: untagged per-platform manifests and
// attestations, perhaps signature tags, then the tagged index. By default only a
// tagged push of a runnable image deploys; a service may opt in to untagged image
// indexes. Each service takes images only from its own registry (account and region)
// and repositories, and only tags its filter matches. Pure: the handler does the I/O.

import type { Catalog, ServiceEntry } from './catalog-schema.js';
import { isDigest } from './image-ref.js';
import { pushedKind } from './media-types.js';
import { registryHost, registryOf, registryProblem } from './registry.js';

export interface ImagePush {
  /** The EventBridge event's id: the same event delivered again has the same id. */
  eventId: string;
  /** The registry's account and region: the event's `account` and `region`. */
  account: string;
  region: string;
  repository: string;
  digest: string;
  tag?: string | undefined;
  manifestMediaType?: string | undefined;
  artifactMediaType?: string | undefined;
  /** When ECR reports the push (the event's time), ms since the epoch. */
  pushedAt: number;
}

export interface PushMatch {
  service: string;
  entry: ServiceEntry;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:…`. */
  image: string;
}

export interface PushIgnored {
  service?: string;
  reason: string;
}

/** The services to deploy, and why each other candidate (or the whole push) is ignored. */
export function servicesForPush(
  catalog: Catalog,
  push: ImagePush,
): { matches: PushMatch[]; ignored: PushIgnored[] } {
  const none = (reason: string) => ({ matches: [], ignored: [{ reason }] });
  if (!isDigest(push.digest)) return none(`"${push.digest}" is not a sha256 digest`);
  const kind = pushedKind(push);
  if (typeof kind !== 'string') return none(kind.reason);
  const byRepository = Object.entries(catalog.services).filter(([, entry]) =>
    entry.images.repositories.includes(push.repository),
  );
  if (byRepository.length === 0) return none(`no service deploys repository ${push.repository}`);

  const matches: PushMatch[] = [];
  const ignored: PushIgnored[] = [];
  for (const [service, entry] of byRepository) {
    const pinned = registryOf(entry);
    const wrongRegistry = registryProblem({ account: push.account, region: push.region }, pinned);
    const reason =
      wrongRegistry ?? (push.tag === undefined ? untaggedProblem(entry, kind) : tagProblem(entry, push.tag));
    if (reason !== null) {
      ignored.push({ service, reason });
      continue;
    }
    matches.push({ service, entry, image: `${registryHost(pinned)}/${push.repository}@${push.digest}` });
  }
  return { matches, ignored };
}

function tagProblem(entry: ServiceEntry, tag: string): string | null {
  if (new RegExp(entry.images.tagFilter).test(tag)) return null;
  return `tag "${tag}" does not match the tag filter ${entry.images.tagFilter}`;
}

/** An untagged push deploys only for services that opted in, and only as an image index. */
function untaggedProblem(entry: ServiceEntry, kind: 'index' | 'image'): string | null {
  if (entry.images.untaggedPushes === 'ignore') {
    return 'an untagged push (a platform manifest, an attestation, or a push by digest) deploys only with images.untaggedPushes: deploy-index';
  }
  if (kind === 'index') return null;
  return 'an untagged image manifest is one platform (or an attestation) of a build; only its untagged index deploys';
}
