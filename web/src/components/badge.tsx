// Status badges: a symbol and words on a tinted background, so colour is never the only cue.
import type { ComponentChildren } from 'preact';
import { statusWords } from '../format';
import type { DeploymentView, ReleaseOutcome, ServiceSummary } from '../../../shared/api/views.js';

type AlarmState = DeploymentView['alarms'][number]['state'];
type Health = ServiceSummary['health'];

export type Tone = 'ok' | 'bad' | 'warn' | 'info' | 'neutral';

const symbols: Record<Tone, string> = { ok: '✓', bad: '✕', warn: '!', info: '●', neutral: '–' };

export function Badge({
  tone,
  children,
  title,
}: {
  tone: Tone;
  children: ComponentChildren;
  title?: string;
}) {
  return (
    <span class={`badge badge-${tone}`} title={title}>
      <span aria-hidden="true">{symbols[tone]} </span>
      {children}
    </span>
  );
}

const statusTones: Record<string, Tone> = {
  starting: 'info',
  running: 'info',
  promoted: 'ok',
  'rolled-back': 'bad',
  aborted: 'warn',
  refused: 'bad',
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTones[status] ?? 'neutral'}>{statusWords[status] ?? status}</Badge>;
}

export function OutcomeBadge({ outcome }: { outcome: ReleaseOutcome }) {
  return <StatusBadge status={outcome} />;
}

const healthTones: Record<Health, [Tone, string]> = {
  ok: ['ok', 'healthy'],
  alarm: ['bad', 'alarm'],
  'insufficient-data': ['warn', 'insufficient data'],
  unknown: ['neutral', 'health unknown'],
};

export function HealthBadge({ health, title }: { health: Health; title?: string }) {
  const [tone, words] = healthTones[health];
  return (
    <Badge tone={tone} {...(title ? { title } : {})}>
      {words}
    </Badge>
  );
}

const alarmTones: Record<AlarmState, Tone> = {
  OK: 'ok',
  ALARM: 'bad',
  INSUFFICIENT_DATA: 'warn',
  UNKNOWN: 'neutral',
};

export function AlarmBadge({ state }: { state: AlarmState }) {
  return <Badge tone={alarmTones[state]}>{state.replace('_', ' ').toLowerCase()}</Badge>;
}
