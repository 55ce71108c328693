// A service's drift badge: in sync, or the findings of what runs against the ledger's live release.
import { seg } from '../api';
import { Badge } from '../components/badge';
import { dateTime } from '../format';
import { usePoll } from '../poll';
import type { DriftView } from '../../../shared/api/views.js';

export function DriftBadge({ service }: { service: string }) {
  const { data, error } = usePoll<DriftView>(`/services/${seg(service)}/drift`, () => 30_000);
  if (error !== null)
    return (
      <Badge tone="neutral" title={error.message}>
        drift unknown
      </Badge>
    );
  if (data === null) return <Badge tone="neutral">checking drift…</Badge>;
  const checked = `checked ${dateTime(data.checkedAt)}`;
  if (!data.drift) {
    return (
      <Badge tone="ok" title={checked}>
        in sync
      </Badge>
    );
  }
  const count = data.findings.length;
  return (
    <details class="drift">
      <summary>
        <Badge tone="bad" title={checked}>
          drift: {count} finding{count === 1 ? '' : 's'}
        </Badge>
      </summary>
      <ul>
        {data.findings.map((f) => (
          <li key={f.kind + f.message}>
            <strong>{f.kind}</strong>: {f.message}
          </li>
        ))}
      </ul>
    </details>
  );
}
