// Saving the local cloud's state (local/state-saver.ts): a save at stop, on this thread, never
// waits for a periodic save under way off it (a second Ctrl-C may end the process as soon as it
// returns), and that older save never lands over it.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricJournal, type JournalLengths } from '../../local/aws/metric-journal.js';
import { MetricStore } from '../../local/aws/metric-store.js';
import type { SavedState } from '../../local/persistence.js';
import { StateSaver } from '../../local/state-saver.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const TG = { TargetGroup: 'targetgroup/web-blue/0123456789abcdef' };

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'saver-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function record(store: MetricStore, at: number, value: number): void {
  store.record('AWS/ApplicationELB', 'TargetResponseTime', TG, at, { values: [value], counts: [1] });
}

function seconds(store: MetricStore): number[] {
  const id = { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dimensions: TG };
  return store.aggregate(id, T0 - 60_000, T0 + 60_000, 1).map((s) => s.sum);
}

describe('the state saver', () => {
  it('saves at stop at once, over a periodic save under way, and that one is dropped', async () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    const errors: unknown[] = [];
    let state: Record<string, unknown> = { simTime: T0, save: 'periodic', pad: 'x'.repeat(32 << 20) };
    const saver = new StateSaver(
      dataDir,
      journal,
      () => state as unknown as SavedState,
      (_, e) => errors.push(e),
    );

    record(store, T0, 0.1);
    saver.saveIfDue();
    await new Promise((resolve) => setTimeout(resolve, 0)); // its writing under way off the thread
    record(store, T0 + 1_000, 0.2);
    state = { simTime: T0 + 1_000, save: 'at stop' };
    saver.saveNow();

    const saved = () =>
      JSON.parse(readFileSync(join(dataDir, 'state.json'), 'utf8')) as {
        save: string;
        metricJournal: JournalLengths;
      };
    expect(saved().save).toBe('at stop');
    await saver.settled();
    expect(saved().save).toBe('at stop');
    expect(errors).toEqual([]);
    expect(readdirSync(dataDir).sort()).toEqual(['metrics', 'state.json']);
    // The metric data it lists is all there: both seconds, each once.
    const again = new MetricStore();
    MetricJournal.open(dataDir, again, saved().metricJournal);
    expect(seconds(again)).toEqual([0.1, 0.2]);
  });
});
