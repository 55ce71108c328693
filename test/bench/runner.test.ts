// The benchmark runner (bench/runner.ts) with small fake figures: one that throws, one that
// runs past its time bound, one that misses its target, one that meets it. Each is recorded,
// the results are saved after every figure, and the exit code says whether every target was
// measured and met.

import { describe, expect, it } from 'vitest';
import type { FigureResult, Results } from '../../bench/figures.js';
import { formatSummary, runFigures, type FigureJob } from '../../bench/runner.js';

const environment = { node: 'v20', platform: 'linux x64', cpus: '2 x test' };

function figure(name: string, actual: number, wanted = 10): FigureResult {
  return {
    name,
    rows: [{ value: actual }],
    targets: [
      {
        what: `${name} at most ${wanted}`,
        target: `≤ ${wanted}`,
        actual: String(actual),
        met: actual <= wanted,
      },
    ],
  };
}

const meets: FigureJob = {
  name: 'meets',
  timeoutSeconds: 5,
  measure: () => Promise.resolve(figure('Meets', 3)),
};
const misses: FigureJob = {
  name: 'misses',
  timeoutSeconds: 5,
  measure: () => Promise.resolve(figure('Misses', 30)),
};
const throws: FigureJob = {
  name: 'throws',
  timeoutSeconds: 5,
  // Throws at once, not even a rejected promise.
  measure: () => {
    throw new Error(
      'timed out waiting for every deployment to wait for approval (0 of 100 do)\n    at stack',
    );
  },
};

/** Never ends by itself; notes whether it was told to stop. */
function hangs(aborted: { value: boolean }): FigureJob {
  return {
    name: 'hangs',
    timeoutSeconds: 0.1,
    measure: (signal) =>
      new Promise<FigureResult>((_, reject) =>
        signal.addEventListener('abort', () => {
          aborted.value = true;
          // It fails later, as a killed process would: that must not upset the run.
          setTimeout(() => reject(new Error('killed')), 10);
        }),
      ),
  };
}

async function run(jobs: FigureJob[], results: Results = { figures: {} }) {
  const saved: Results[] = [];
  const log: string[] = [];
  const summary = await runFigures(jobs, {
    results,
    quick: false,
    markdown: false,
    environment,
    save: (r) => saved.push(JSON.parse(JSON.stringify(r)) as Results),
    log: (text) => log.push(text),
    today: '2026-12-06',
  });
  return { summary, saved, log: log.join('\n'), results };
}

describe('bench runner', () => {
  it('exits 0 when every target is measured and met', async () => {
    const { summary, saved } = await run([meets]);
    expect(summary.exitCode).toBe(0);
    expect(summary.met).toEqual(['meets: Meets at most 10 (3)']);
    expect(saved.at(-1)!.figures.meets).toMatchObject({
      name: 'Meets',
      rows: [{ value: 3 }],
      seconds: expect.any(Number),
    });
    expect(saved.at(-1)!.figures.meets!.notMeasured).toBeUndefined();
  });

  it('records a figure that throws as not measured, with the first line of its error, and runs the next', async () => {
    const { summary, saved, log } = await run([throws, meets]);
    expect(saved).toHaveLength(2);
    // Saved before the next figure ran: a killed run keeps it.
    expect(Object.keys(saved[0]!.figures)).toEqual(['throws']);
    const reason = 'timed out waiting for every deployment to wait for approval (0 of 100 do)';
    expect(saved[1]!.figures.throws).toMatchObject({ rows: [], notMeasured: reason });
    expect(saved[1]!.figures.meets!.rows).toEqual([{ value: 3 }]);
    expect(summary.exitCode).toBe(1);
    expect(summary.notMeasured).toEqual([`throws (the whole figure): ${reason}`]);
    expect(summary.met).toHaveLength(1);
    expect(log).toContain(`not measured: ${reason}`);
    expect(formatSummary(summary)).toContain('bench: exit 1: 1 not measured');
  });

  it('stops a figure at its time bound, records it as timed out, and goes on', async () => {
    const aborted = { value: false };
    const started = performance.now();
    const { summary, saved } = await run([hangs(aborted), meets]);
    expect(performance.now() - started).toBeLessThan(4000);
    expect(aborted.value).toBe(true);
    expect(saved.at(-1)!.figures.hangs!.notMeasured).toBe('timed out after 0.1 s');
    expect(saved.at(-1)!.figures.meets!.rows).toEqual([{ value: 3 }]);
    expect(summary.exitCode).toBe(1);
    // The hung figure's late failure arrives after the run: no unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('exits 1 when a target is missed, naming what was wanted and what was measured', async () => {
    const { summary } = await run([misses, meets]);
    expect(summary.exitCode).toBe(1);
    expect(summary.missed).toEqual(['misses: Misses at most 10: wanted ≤ 10, got 30']);
    expect(summary.verdict).toBe('exit 1: 1 target(s) missed');
  });

  it('keeps the last measured result of a figure that now fails, and counts its targets as not measured', async () => {
    const first = await run([{ ...meets, name: 'throws' }]);
    const second = await run([throws], first.results);
    const failed = second.saved.at(-1)!.figures.throws!;
    expect(failed.lastMeasured).toMatchObject({ name: 'Meets', rows: [{ value: 3 }] });
    expect(failed.targets).toEqual([
      expect.objectContaining({
        what: 'Meets at most 10',
        met: false,
        actual: 'not measured',
        notMeasured: expect.any(String),
      }),
    ]);
    expect(second.summary.notMeasured).toEqual([
      expect.stringMatching(/^throws: Meets at most 10: timed out waiting/),
    ]);
    // A second failure keeps the same last measured result, not the failure before it.
    const third = await run([throws], second.results);
    expect(third.saved.at(-1)!.figures.throws!.lastMeasured).toMatchObject({ rows: [{ value: 3 }] });
    expect(third.saved.at(-1)!.figures.throws!.lastMeasured!.lastMeasured).toBeUndefined();
  });

  it('counts a target a figure itself reports as not measured (one part of it failed)', async () => {
    const partial: FigureJob = {
      name: 'partial',
      timeoutSeconds: 5,
      measure: () =>
        Promise.resolve({
          name: 'Partial',
          rows: [{ route: 'b', answers: 'not measured: set-up timed out' }],
          targets: [
            { what: 'a', target: '0', actual: '0', met: true },
            { what: 'b', target: '0', actual: 'not measured', met: false, notMeasured: 'set-up timed out' },
          ],
        }),
    };
    const { summary } = await run([partial]);
    expect(summary).toMatchObject({
      exitCode: 1,
      met: ['partial: a (0)'],
      notMeasured: ['partial: b: set-up timed out'],
    });
  });
});
