// The local CloudWatch's metric data on disk (local/aws/metric-journal.ts): written as it comes,
// read back as far as state.json says, whatever a crash left after that cut off, and files past
// retention deleted once no state.json lists them.

import fc from 'fast-check';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MetricJournal, type JournalLengths } from '../../local/aws/metric-journal.js';
import { MetricStore, parseStatistic } from '../../local/aws/metric-store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const HOUR = 3_600_000;
const TG = { TargetGroup: 'targetgroup/web-blue/0123456789abcdef' };
const latency = { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dimensions: TG };

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'journal-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** Everything the store answers for the metric, per minute: count, sum, p50 and p99. */
function minutes(store: MetricStore, from = T0 - 6 * HOUR, to = T0 + 6 * HOUR) {
  return store.aggregate(latency, from, to, 60).map((s) => ({
    at: s.timestamp,
    count: s.sampleCount,
    sum: s.sum,
    p50: store.query(latency, s.timestamp, s.timestamp + 60_000, 60, parseStatistic('p50')!)[0]?.value,
    p99: store.query(latency, s.timestamp, s.timestamp + 60_000, 60, parseStatistic('p99')!)[0]?.value,
  }));
}

function record(store: MetricStore, at: number, values: number[], unit?: string): void {
  store.record(latency.namespace, latency.name, TG, at, { values, counts: values.map(() => 2) }, unit);
}

function reopen(lengths: JournalLengths | undefined): MetricStore {
  const store = new MetricStore();
  MetricJournal.open(dataDir, store, lengths);
  return store;
}

describe('the metric journal', () => {
  it('gives back what was recorded, histograms and units included, after a restart', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 150 }),
            values: fc.array(fc.double({ min: 0.001, max: 5, noNaN: true }), { minLength: 1, maxLength: 5 }),
          }),
          { maxLength: 30 },
        ),
        (points) => {
          rmSync(join(dataDir, 'metrics'), { recursive: true, force: true });
          const store = new MetricStore();
          const journal = MetricJournal.open(dataDir, store, undefined);
          for (const p of points) record(store, T0 + p.minute * 60_000 + 7_000, p.values, 'Seconds');
          const lengths = journal.writeNow(T0 + 150 * 60_000);
          const again = reopen(lengths);
          expect(minutes(again)).toEqual(minutes(store));
          if (points.length > 0) expect(again.unit(latency)).toBe('Seconds');
        },
      ),
      { numRuns: 40 },
    );
  });

  it('writes off the thread and in pieces: two saves read back as one', async () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1, 0.2]);
    await journal.write(T0);
    record(store, T0 + 1_000, [0.3]);
    record(store, T0 + HOUR, [0.4]);
    const lengths = await journal.write(T0 + HOUR);
    expect(Object.keys(lengths).sort()).toEqual(['490896.jsonl', '490897.jsonl']);
    expect(minutes(reopen(lengths))).toEqual(minutes(store));
  });

  it('cuts off what was written after the last saved state: a crash between the two writes', () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1]);
    const saved = journal.writeNow(T0);
    const atSave = minutes(store);
    record(store, T0 + 5_000, [0.9]);
    journal.writeNow(T0 + 5_000); // written, but no state.json listed it
    const file = join(dataDir, 'metrics', Object.keys(saved)[0]!);
    appendFileSync(file, '["AWS/ApplicationELB","TargetRe'); // and half a line from a power cut

    expect(minutes(reopen(saved))).toEqual(atSave);
    expect(statSync(file).size).toBe(saved[Object.keys(saved)[0]!]);
  });

  it('appends lines as they come to 64K characters, not only at a save; a start counts only what a save listed', () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1]);
    const saved = journal.writeNow(T0);
    const atSave = minutes(store);
    const [file] = Object.keys(saved);
    // Each line holds its histogram: a few hundred distinct values make lines of kB.
    for (let m = 1; m <= 40; m++)
      record(
        store,
        T0 + m * 60_000,
        Array.from({ length: 300 }, (_, i) => 0.01 * 1.02 ** i),
      );
    expect(statSync(join(dataDir, 'metrics', file!)).size).toBeGreaterThan(saved[file!]! + 64 * 1024);
    expect(minutes(reopen(saved))).toEqual(atSave);
  });

  it('deletes, at a start with no saved lengths, what a start before it wrote and no state listed', () => {
    const store = new MetricStore();
    MetricJournal.open(dataDir, store, undefined);
    for (let m = 1; m <= 40; m++)
      record(
        store,
        T0 + m * 60_000,
        Array.from({ length: 300 }, (_, i) => 0.01 * 1.02 ** i),
      );
    expect(readdirSync(join(dataDir, 'metrics'))).not.toEqual([]);
    const again = new MetricStore();
    const journal = MetricJournal.open(dataDir, again, undefined);
    expect(readdirSync(join(dataDir, 'metrics'))).toEqual([]);
    record(again, T0, [0.1]);
    expect(minutes(reopen(journal.writeNow(T0)))).toEqual(minutes(again));
  });

  it('deletes a file no saved state lists, and refuses one it lists that is missing or short', () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1]);
    const lengths = journal.writeNow(T0);
    writeFileSync(join(dataDir, 'metrics', '999999.jsonl'), 'not listed\n');
    reopen(lengths);
    expect(readdirSync(join(dataDir, 'metrics'))).toEqual(Object.keys(lengths));

    const [file] = Object.keys(lengths);
    expect(() => reopen({ ...lengths, [file!]: lengths[file!]! + 10 })).toThrow(
      /is shorter than state\.json says .* restore it from the same backup as state\.json/,
    );
    rmSync(join(dataDir, 'metrics', file!));
    expect(() => reopen(lengths)).toThrow(/state\.json lists metric data in .*, which is missing/);
  });

  it('drops whole files once their data is past retention, only after a state that does not list them', () => {
    const store = new MetricStore({ retentionMs: 3 * HOUR });
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1]);
    const early = journal.writeNow(T0);
    record(store, T0 + 5 * HOUR, [0.2]);
    const late = journal.writeNow(T0 + 5 * HOUR);
    expect(Object.keys(late)).toEqual(['490901.jsonl']);
    expect(readdirSync(join(dataDir, 'metrics')).sort()).toEqual(
      [...Object.keys(early), ...Object.keys(late)].sort(),
    );
    journal.removeUnlisted(late);
    expect(readdirSync(join(dataDir, 'metrics'))).toEqual(['490901.jsonl']);
  });

  it('writes down, with the next save, what a folder saved before the journal held in state.json', () => {
    const store = new MetricStore();
    record(store, T0, [0.1, 0.5]);
    const old = store.snapshot();
    const restored = new MetricStore();
    restored.restore(old);
    const lengths = MetricJournal.open(dataDir, restored, undefined).writeNow(T0);
    expect(minutes(reopen(lengths))).toEqual(minutes(store));
  });

  it('keeps its files readable by their owner alone', () => {
    const store = new MetricStore();
    const journal = MetricJournal.open(dataDir, store, undefined);
    record(store, T0, [0.1]);
    const [file] = Object.keys(journal.writeNow(T0));
    expect(statSync(join(dataDir, 'metrics')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'metrics', file!)).mode & 0o777).toBe(0o600);
  });
});
