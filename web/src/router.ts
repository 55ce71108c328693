// Hash routes, so the only document the server serves is `/`.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { page: 'services' }
  | { page: 'deployment'; id: string }
  | { page: 'releases'; service: string }
  | { page: 'not-found'; hash: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter((p) => p !== '');
  try {
    if (parts.length === 0) return { page: 'services' };
    if (parts.length === 2 && parts[0] === 'deployments')
      return { page: 'deployment', id: decodeURIComponent(parts[1]!) };
    if (parts.length === 3 && parts[0] === 'services' && parts[2] === 'releases')
      return { page: 'releases', service: decodeURIComponent(parts[1]!) };
  } catch {
    // A malformed percent-encoding: not a page.
  }
  return { page: 'not-found', hash };
}

export const href = {
  services: () => '#/',
  deployment: (id: string) => `#/deployments/${encodeURIComponent(id)}`,
  releases: (service: string) => `#/services/${encodeURIComponent(service)}/releases`,
};

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
