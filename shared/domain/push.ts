// Which services an ECR push deploys: those whose catalog entry allows the
// repository and whose tag filter matches the tag. Pure: the on-image-push
// handler does the I/O.

import type { Catalog, ServiceEntry } from './catalog-schema.js';
import { isDigest } from './image-ref.js';

export interface ImagePush {
  account: string;
  region: string;
  repository: string;
  digest: string;
  tag?: string | undefined;
  /** When ECR reports the push (the event's time), ms since the epoch. */
  pushedAt: number;
}

export interface PushMatch {
  service: string;
  entry: ServiceEntry;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:…`. */
  image: string;
}

export type PushRefusal = { reason: string };

/** The services to deploy, or why none is: nobody deploys the repository, the tag, or the digest is bad. */
export function servicesForPush(catalog: Catalog, push: ImagePush): PushMatch[] | PushRefusal {
  if (!isDigest(push.digest)) return { reason: `"${push.digest}" is not a sha256 digest` };
  const image = `${push.account}.dkr.ecr.${push.region}.amazonaws.com/${push.repository}@${push.digest}`;
  const byRepository = Object.entries(catalog.services).filter(([, entry]) =>
    entry.images.repositories.includes(push.repository),
  );
  if (byRepository.length === 0) return { reason: `no service deploys repository ${push.repository}` };
  const matches = byRepository.filter(([, entry]) => new RegExp(entry.images.tagFilter).test(push.tag ?? ''));
  if (matches.length === 0) {
    return {
      reason: `tag "${push.tag ?? ''}" matches no tag filter of ${byRepository.map(([n]) => n).join(', ')}`,
    };
  }
  return matches.map(([service, entry]) => ({ service, entry, image }));
}
