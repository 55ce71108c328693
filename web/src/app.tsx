// The dashboard's shell: header and navigation, then the page the hash route names.
import { useEffect, useRef } from 'preact/hooks';
import { configured } from './api';
import { DeploymentPage } from './pages/deployment';
import { ReleasesPage } from './pages/releases';
import { ServicesPage } from './pages/services';
import { href, useRoute, type Route } from './router';

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'services':
      return <ServicesPage />;
    case 'deployment':
      return <DeploymentPage key={route.id} id={route.id} />;
    case 'releases':
      return <ReleasesPage key={route.service} service={route.service} />;
    case 'not-found':
      return (
        <>
          <h1>Not found</h1>
          <p>
            There is no page at <code>{route.hash}</code>. <a href={href.services()}>See the services.</a>
          </p>
        </>
      );
  }
}

export function App() {
  const route = useRoute();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (route.page === 'services') document.title = 'Services · Cutover';
    // After a navigation, start reading (and tabbing) at the new page, as a page load would.
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route]);

  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href.services()}>
          Cutover
        </a>
        <nav aria-label="main">
          <ul>
            <li>
              <a href={href.services()} aria-current={route.page === 'services' ? 'page' : undefined}>
                Services
              </a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {configured ? (
          <Page route={route} />
        ) : (
          <p class="problem" role="alert">
            This page has no API token. Open it from the address <code>cutover local start</code> prints.
          </p>
        )}
      </main>
    </>
  );
}
