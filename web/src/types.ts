// The HTTP API's answers, as the dashboard reads them (docs/api.md describes each field).

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'UNKNOWN';
export type Health = 'ok' | 'alarm' | 'insufficient-data' | 'unknown';
export type DeploymentStatus = 'starting' | 'running' | 'promoted' | 'rolled-back' | 'aborted' | 'refused';
export type Outcome = 'promoted' | 'rolled-back' | 'aborted' | 'running';

export interface Weights {
  stable: number;
  candidate: number;
}

export interface Alarm {
  name: string;
  state: AlarmState;
}

export interface Reason {
  kind: string;
  message: string;
  alarmName?: string;
  hook?: string;
  score?: number;
  failedMetrics?: string[];
  error?: string;
}

export interface ServiceSummary {
  name: string;
  strategy: string;
  live: { release: number; image: string; digest: string | null } | null;
  deployment: { deploymentId: string; status: string; phase: string; weights: Weights } | null;
  health?: Health;
  alarms?: Alarm[];
}

export interface Drift {
  service: string;
  checkedAt: string;
  drift: boolean;
  deploymentInProgress: string | null;
  findings: { kind: string; message: string }[];
}

export interface Analysis {
  at: string;
  final: boolean;
  classification: 'Pass' | 'Marginal' | 'Fail';
  score: number;
  verdict: string;
  reason: string;
  failedMetrics: string[];
}

export interface Step {
  kind: string;
  /** `failed`: the step under way when the deployment was rolled back or aborted. */
  state: 'done' | 'current' | 'pending' | 'failed' | 'skipped';
  weight?: number;
  seconds?: number;
  timeoutSeconds?: number;
  alarms?: string[];
  analysis?: boolean;
  final?: boolean;
  hook?: string;
  targetGroup?: string;
  batch?: number;
  candidatePercent?: number;
}

export interface TrafficPoint extends Weights {
  at: string;
}

export interface Deployment {
  deploymentId: string;
  status: DeploymentStatus;
  execution: { status: string; error: string | null; cause: string | null } | null;
  service?: string;
  release?: number;
  image?: string;
  strategy?: string;
  phase?: string;
  trigger?: string;
  actor?: string;
  weights?: Weights;
  stable?: { release: number; image: string };
  bake?: { endsAt: string; secondsLeft: number } | null;
  /** Seconds of the cloud's clock per real second: 1 on AWS, the local cloud's --speed. */
  speed?: number;
  /** secondsLeft: real seconds a person has left to answer (the local cloud's clock runs faster). */
  approval?: { expiresAt: string; secondsLeft: number } | null;
  promoteFull?: boolean;
  analysis?: Analysis | null;
  analyses?: Analysis[];
  alarms?: Alarm[];
  steps?: Step[];
  reason?: Reason | null;
  traffic?: TrafficPoint[];
  startedAt?: string;
  updatedAt?: string;
}

export interface Point {
  at: string;
  value: number;
}

export interface Metrics {
  deploymentId: string;
  periodSeconds: number;
  window: { start: string; end: string };
  metrics: { name: string; unit: 'percent' | 'seconds'; baseline: Point[]; canary: Point[] }[];
}

export interface Release {
  release: number;
  deploymentId: string;
  image: string | null;
  strategy: string | null;
  trigger: string | null;
  actor: string | null;
  startedAt: string;
  outcome: Outcome;
  reason: Reason | null;
}

export type Verify =
  | { service: string; ok: true; count: number; head: string }
  | { service: string; ok: false; seq: number; problem: string; message: string };
