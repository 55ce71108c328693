// The Services page: what runs for each service, its health and drift, and any deployment in progress.
import { Badge, HealthBadge } from '../components/badge';
import { Loading, Problem } from '../components/problem';
import { WeightsBar } from '../components/weights-bar';
import { shortDigest } from '../../../shared/domain/image-words.js';
import { usePoll } from '../poll';
import { href } from '../router';
import type { ServiceSummary } from '../../../shared/api/views.js';
import { DriftBadge } from './drift';

export function ServicesPage() {
  const { data, error } = usePoll<{ services: ServiceSummary[] }>('/services', () => 2000);
  return (
    <>
      <h1>Services</h1>
      <Problem error={error} what="the services" />
      {data === null ? (
        error === null && <Loading what="services" />
      ) : (
        <ul class="cards" aria-label="services">
          {data.services.map((service) => (
            <ServiceCard key={service.name} service={service} />
          ))}
        </ul>
      )}
    </>
  );
}

function ServiceCard({ service }: { service: ServiceSummary }) {
  const { live, deployment } = service;
  const alarms = service.alarms.map((a) => `${a.name}: ${a.state}`).join(', ');
  return (
    <li class="card" data-service={service.name}>
      <h2>{service.name}</h2>
      <dl class="facts">
        <dt>Strategy</dt>
        <dd>{service.strategy}</dd>
        <dt>Live</dt>
        <dd>
          {live ? (
            <>
              release {live.release} ·{' '}
              <code title={live.image}>{shortDigest(live.digest ?? live.image)}</code>
            </>
          ) : (
            'nothing promoted yet'
          )}
        </dd>
        <dt>Health</dt>
        <dd>
          <HealthBadge health={service.health} {...(alarms ? { title: alarms } : {})} />
          {alarms && <span class="visually-hidden"> ({alarms})</span>}
        </dd>
        <dt>Drift</dt>
        <dd>
          <DriftBadge service={service.name} />
        </dd>
      </dl>
      {deployment ? (
        <section class="in-progress" aria-label={`deployment of ${service.name} in progress`}>
          <p>
            <Badge tone="info">deploying</Badge> phase <strong>{deployment.phase}</strong>
          </p>
          <WeightsBar weights={deployment.weights} />
          <a href={href.deployment(deployment.deploymentId)}>Follow deployment {deployment.deploymentId}</a>
        </section>
      ) : (
        <p class="muted">No deployment in progress.</p>
      )}
      <a href={href.releases(service.name)}>Release history of {service.name}</a>
    </li>
  );
}
