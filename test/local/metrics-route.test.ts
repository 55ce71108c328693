// GET /deployments/{id}/metrics on the local cloud: the dashboard's canary-vs-baseline charts
// read real per-target-group CloudWatch data (the local ALB's metrics), minute by minute.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import { newest, push, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
});
afterAll(() => handle.stop());

async function get(path: string) {
  const response = await fetch(`${handle.cloud.apiEndpoint}${path}`, {
    headers: { authorization: `Bearer ${handle.cloud.token}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Series {
  name: string;
  unit: string;
  baseline: { at: string; value: number }[];
  canary: { at: string; value: number }[];
}

describe('the metrics route on the local cloud', () => {
  it('charts a faulty canary’s error rate above its baseline’s, over the same minutes', async () => {
    const digest = push(handle, 'linear', 'v2', 'faulty');
    // Push executions (deployment ids) are named `<service>-<12 hex of the digest>-e<event>`.
    const prefix = `linear-${digest.replace('sha256:', '').slice(0, 12)}-`;
    let metrics: Series[] = [];
    let window = { start: '', end: '' };
    await until(
      async () => {
        const id = (await newest(handle, prefix))?.name;
        if (id === undefined) return false;
        const answer = await get(`/deployments/${id}/metrics`);
        if (answer.status !== 200) return false;
        metrics = answer.body.metrics as Series[];
        window = answer.body.window as typeof window;
        // Both target groups charted, and a whole minute of the canary's traffic (its first
        // minute may begin mid-minute, with few requests: read again until one is whole).
        const canaryErrors = metrics[0]?.canary.map((p) => p.value) ?? [];
        return (
          metrics.every((m) => m.canary.length > 0 && m.baseline.length > 0) && Math.max(...canaryErrors) > 10
        );
      },
      'a minute of metrics from both target groups, one of them a whole minute of the faulty canary',
      60_000,
    );

    expect(metrics.map((m) => [m.name, m.unit])).toEqual([
      ['error-rate', 'percent'],
      ['latency-p99', 'seconds'],
    ]);
    const errors = metrics[0]!;
    const mean = (points: { value: number }[]) => points.reduce((a, p) => a + p.value, 0) / points.length;
    // The faulty profile answers a quarter of requests with 5xx; the healthy one almost none.
    // (A minute cut short by the rollback can hold few requests, so the canary's worst minute
    // is compared, not its mean.)
    expect(Math.max(...errors.canary.map((p) => p.value))).toBeGreaterThan(10);
    expect(mean(errors.baseline)).toBeLessThan(2);
    // The same minutes: both target groups are read over the one window the answer names, in
    // whole minutes; the baseline, serving throughout, from the window's first minute; and every
    // minute the canary served is a minute the baseline served too (traffic is split between
    // them), so the chart compares the two minute by minute.
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    for (const m of metrics) {
      for (const p of [...m.baseline, ...m.canary]) {
        expect(Date.parse(p.at) % 60_000, `${m.name} at ${p.at}`).toBe(0);
        expect(Date.parse(p.at), `${m.name} at ${p.at}`).toBeGreaterThanOrEqual(start);
        expect(Date.parse(p.at), `${m.name} at ${p.at}`).toBeLessThan(end);
      }
      expect(m.baseline[0]?.at, `${m.name} baseline's first minute`).toBe(window.start);
      const baselineMinutes = new Set(m.baseline.map((p) => p.at));
      expect(
        m.canary.map((p) => p.at).filter((at) => !baselineMinutes.has(at)),
        m.name,
      ).toEqual([]);
    }
  });

  it('answers 404 in the error shape for a deployment that does not exist', async () => {
    const answer = await get('/deployments/nope/metrics');
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'NotFound' } });
  });
});
