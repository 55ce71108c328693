// What a deployment did over time, for the dashboard's charts: production weights at each
// change, read back from the ledger, and every canary analysis kept on the deployment.

import type { AnalysisRecord, Deployment } from '../domain/deployment.js';
import { ledgerRecordSchema, type LedgerRecord } from '../domain/ledger.js';

export interface WeightsAt {
  at: string;
  stable: number;
  candidate: number;
}

/**
 * Production weights from the start (all on the stable release) through every shift the
 * ledger recorded for this deployment, to the rollback that put them back. Records that
 * do not parse are left out here; `verify` is where a broken chain is reported.
 */
export function trafficHistory(deployment: Deployment, stored: readonly unknown[]): WeightsAt[] {
  const history: WeightsAt[] = [
    { at: new Date(deployment.startedAt).toISOString(), stable: 100, candidate: 0 },
  ];
  for (const raw of stored) {
    const parsed = ledgerRecordSchema.safeParse(raw);
    if (!parsed.success || parsed.data.deploymentId !== deployment.deploymentId) continue;
    const point = pointOf(parsed.data);
    if (point !== null) history.push(point);
  }
  return history;
}

function pointOf(record: LedgerRecord): WeightsAt | null {
  if (record.type === 'TrafficShifted') return { at: record.at, ...record.detail.weights };
  if (record.type === 'RolledBack') return { at: record.at, stable: 100, candidate: 0 };
  return null;
}

/** Whether a stored record is the one that opened this deployment's release. */
export function startOf(stored: unknown, deploymentId: string): boolean {
  const record = stored as { type?: unknown; deploymentId?: unknown } | null;
  return record?.type === 'ReleaseStarted' && record.deploymentId === deploymentId;
}

export function analysisView(analysis: AnalysisRecord) {
  const window = (w: { start: number; end: number }) => ({
    start: new Date(w.start).toISOString(),
    end: new Date(w.end).toISOString(),
  });
  return {
    at: new Date(analysis.at).toISOString(),
    method: analysis.method ?? 'mann-whitney',
    step: analysis.step ?? null,
    final: analysis.final,
    classification: analysis.classification,
    score: analysis.score,
    verdict: analysis.verdict,
    reason: analysis.reason,
    failedMetrics: analysis.failedMetrics,
    window: analysis.window === null ? null : window(analysis.window.canary),
    /** The sequential judge's account of each metric (docs/analysis.md, "What each look keeps"). */
    metrics: analysis.metrics ?? null,
    /** Each metric's decision and evidence, on every look of the sequential judge. */
    brief: analysis.brief ?? null,
  };
}
