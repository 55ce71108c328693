// The simulation study of docs/analysis.md at a small size: the same seed gives the same study,
// and the sequential judge meets its targets here too. The full size is `npm run study`.

import { describe, expect, it } from 'vitest';
import { noLaterShare, runStudy, summarize } from '../../bench/analysis-study/study.js';
import { studyTable, studyTargets } from '../../bench/analysis-study/report.js';

describe('the analysis study', () => {
  const results = runStudy({ seed: 1, runs: 30, rps: 100 });
  const of = (kind: string) => results.find((r) => r.kind === kind)!;

  it('meets every target at 30 canaries of each kind', () => {
    const targets = studyTargets(results);
    expect(targets.filter((t) => !t.met)).toEqual([]);
    expect(targets.length).toBe(7);
  });

  it('stops every slow canary at its first step, and every faulty one before Mann-Whitney', () => {
    expect(summarize(of('slow'), 'sequential')).toMatchObject({ detected: 30, medianWeight: 10 });
    expect(summarize(of('faulty'), 'sequential').detected).toBe(30);
    // The comparison means something only if Mann-Whitney stops them too.
    expect(summarize(of('faulty'), 'mann-whitney').detected).toBe(30);
    expect(noLaterShare(of('faulty'))).toBe(1);
  });

  it('is the same study for the same seed, and another for another', () => {
    const again = runStudy({ seed: 1, runs: 3, rps: 50 });
    expect(runStudy({ seed: 1, runs: 3, rps: 50 })).toEqual(again);
    expect(runStudy({ seed: 2, runs: 3, rps: 50 })).not.toEqual(again);
  });

  it('prints a row for each kind and method', () => {
    const table = studyTable(results).split('\n');
    expect(table).toHaveLength(2 + 4 * 2);
    expect(table[2]).toMatch(/^\| healthy \| sequential \| 0 of 30 \(0\.0%\)/);
  });
});
