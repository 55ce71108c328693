// Registry pinning: each service takes images from one Amazon ECR private registry,
// an account and a region. The catalog names it (`images.registry`); by default it is
// the account and region of the service's own listener rule, the stack's.

import type { ServiceEntry } from './catalog-schema.js';
import { parseEcrRegistry } from './image-ref.js';

export interface Registry {
  account: string;
  region: string;
}

/** The registry a service's images must come from. */
export function registryOf(entry: Pick<ServiceEntry, 'images' | 'traffic'>): Registry {
  const [, , , region = '', account = ''] = entry.traffic.productionListenerRule.split(':');
  return {
    account: entry.images.registry?.account ?? account,
    region: entry.images.registry?.region ?? region,
  };
}

/** `<account>.dkr.ecr.<region>.amazonaws.com` (`.com.cn` in the China regions). */
export function registryHost(registry: Registry): string {
  const suffix = registry.region.startsWith('cn-') ? '.cn' : '';
  return `${registry.account}.dkr.ecr.${registry.region}.amazonaws.com${suffix}`;
}

/** Why an image from `found` may not be deployed by a service pinned to `pinned`; null when it may. */
export function registryProblem(found: Registry, pinned: Registry): string | null {
  const wrong = [
    ...(found.account === pinned.account ? [] : [`account ${found.account}`]),
    ...(found.region === pinned.region ? [] : [`region ${found.region}`]),
  ];
  if (wrong.length === 0) return null;
  return (
    `the image is from ${wrong.join(' and ')}, but this service deploys only from the registry ` +
    `${registryHost(pinned)}; push it there, or change images.registry in the catalog`
  );
}

/** The registry of an image's host, or null when the host is not an ECR private registry. */
export function registryOfHost(host: string | undefined): Registry | null {
  return host === undefined ? null : parseEcrRegistry(host);
}
