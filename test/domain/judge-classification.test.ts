// The canary judge's classification of one metric: each rule of Kayenta's NetflixACAJudge
// (High, Low and Pass, ties, missing data, critical metrics, outliers), on plain data. Cases marked
// "Kayenta ClassifierSuite" are ported from kayenta-judge/src/test/scala/com/netflix/kayenta/judge/
// ClassifierSuite.scala with its data and parameters (tolerance 0.10, confidence 0.95) and must
// come out the same.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  classifyMetric,
  defaultRules,
  percentile,
  removeOutliers,
  type MetricRules,
} from '../../shared/domain/judge-classification.js';

const rules = (name: string, overrides: Partial<MetricRules> = {}): MetricRules => ({
  ...defaultRules(name),
  ...overrides,
});

/** Kayenta's ClassifierSuite runs the classifier at tolerance 0.10 and 95% confidence. */
const SUITE = { tolerance: 0.1, confidence: 0.95 };

// ClassifierSuite's three data sets (30 values each): around 10, around 20 (two of them).
const AROUND_10 = [
  9.7767343120109462, 10.587071850477695, 7.8375506388901766, 9.3243326886113884, 8.3774505409784421,
  8.9359264399606282, 8.2707663324728511, 9.7484308126716925, 11.623746715547156, 9.2753442679633942,
  8.1538047749171518, 10.562020975754294, 13.498135575451835, 11.054419256110332, 6.9538903590055092,
  12.521008342195479, 9.0216358603546443, 4.9234856699531662, 11.251360203607172, 11.598449508040337,
  8.435232204668182, 11.110228516867279, 10.70063380164755, 8.9212773652115249, 10.086167067942661,
  11.42107515483087, 9.3792347813644952, 7.7980320148552593, 10.62339807275746, 11.909642062063739,
];
const CONTROL_10 = [
  11.1453586774086, 9.9618059885597017, 7.068574306369829, 7.3012661810483657, 9.7944630265656727,
  9.6037918603687302, 6.1867793350339388, 12.345599159550174, 10.371891733859533, 8.6094300785016724,
  9.913162673361084, 10.361375299003466, 14.206800387518818, 10.946153754753301, 10.215876627044048,
  11.739760899484603, 10.907627468626439, 12.823353694464775, 8.1018609771732137, 8.4981616408804932,
  12.113441374697231, 13.272210809932028, 10.114579381663297, 6.9463958767978067, 6.2105278541727778,
  10.160401684903775, 8.3457712066455461, 8.383822063895833, 7.0020205070083765, 10.755757401808442,
];
const AROUND_20 = [
  20.878412601720026, 21.78550581191622, 19.70828084717019, 15.859946903461562, 19.510058772176841,
  19.392005525270303, 22.926528314912101, 17.156530276709894, 18.655117916226171, 23.422607911610392,
  24.055817684156644, 22.62689958516501, 21.979472967817678, 21.659318607218694, 20.067707574072426,
  22.119570836305414, 16.44037132663307, 21.559622826341268, 21.000181443489218, 17.779369411412663,
  17.806006358943584, 18.537200618386109, 20.555550300210797, 19.552928184468378, 21.771118944087092,
  21.809622806176627, 20.961762909905271, 20.977571577503021, 19.106303205498794, 16.976918966987078,
];
const CONTROL_20 = [
  20.758113589510348, 22.802059629464559, 20.612340363492208, 20.973274654749986, 23.469237330498622,
  21.53133988954805, 21.767353687439805, 18.308050730374301, 19.062145167827566, 25.879498436001779,
  18.982629726336128, 19.387920182269266, 18.995398251246982, 24.228420230932805, 20.050985172694688,
  18.2340451091756, 17.870515494460435, 23.058103863806618, 18.400259567501134, 16.971352091177167,
  19.467529066052151, 17.90465423342031, 17.553948617825831, 16.104611843907193, 24.38171081433039,
  15.919294339922635, 20.479409626304697, 19.08307201492406, 17.455788050722866, 18.853826823235142,
];

const ERRORS = [0.01, 0.012, 0.009, 0.011, 0.01, 0.013, 0.008, 0.01, 0.011, 0.009, 0.012, 0.01];
const doubled = ERRORS.map((v) => v * 2);
const halved = ERRORS.map((v) => v / 2);

describe('classifyMetric: High, Low and Pass', () => {
  it.each([
    ['Pass Metric', CONTROL_10, AROUND_10, 'either', 'Pass'],
    ['High Metric', CONTROL_10, AROUND_20, 'either', 'High'],
    ['Low Metric', CONTROL_20, AROUND_10, 'either', 'Low'],
    ['Directional Test: Increase', CONTROL_20, AROUND_10, 'increase', 'Pass'],
    ['Directional Test: Decrease', CONTROL_10, AROUND_20, 'decrease', 'Pass'],
    ['Directional Test: High Metric', CONTROL_10, AROUND_20, 'increase', 'High'],
    ['Directional Test: Low Metric', CONTROL_20, AROUND_10, 'decrease', 'Low'],
  ] as const)('Kayenta ClassifierSuite: %s', (_name, baseline, canary, direction, expected) => {
    const r = rules('m', { direction, allowedIncrease: 1, allowedDecrease: 1 });
    expect(classifyMetric(baseline, canary, r, SUITE).classification).toBe(expected);
  });

  it('is High when the canary rose past allowedIncrease, and says why', () => {
    const result = classifyMetric(ERRORS, doubled, rules('error-rate'));
    expect(result.classification).toBe('High');
    expect(result.reason).toMatch(
      /^error-rate is High: the 98% interval .* and the mean ratio is 2 \(allowedIncrease 1.1\)$/,
    );
    expect(result.ratio).toBeCloseTo(2, 12);
    expect(result.interval![0]).toBeGreaterThan(0.25 * result.estimate!);
    expect(result.pValue).toBeLessThan(0.001);
  });

  it('is Low when the canary fell past allowedDecrease and direction counts a decrease', () => {
    const result = classifyMetric(ERRORS, halved, rules('throughput', { direction: 'decrease' }));
    expect(result.classification).toBe('Low');
    expect(result.interval![1]).toBeLessThan(-0.25 * Math.abs(result.estimate!));
  });

  it('ignores the direction that does not count', () => {
    const up = classifyMetric(ERRORS, doubled, rules('m', { direction: 'decrease' }));
    expect(up.classification).toBe('Pass');
    expect(up.reason).toContain('only a decrease counts');
    const down = classifyMetric(ERRORS, halved, rules('m', { direction: 'increase' }));
    expect(down.classification).toBe('Pass');
    expect(down.reason).toContain('only an increase counts');
  });

  it('counts both directions with direction either', () => {
    expect(classifyMetric(ERRORS, doubled, rules('m', { direction: 'either' })).classification).toBe('High');
    expect(classifyMetric(ERRORS, halved, rules('m', { direction: 'either' })).classification).toBe('Low');
  });

  it('lets a significant change pass while the mean ratio stays within allowedIncrease', () => {
    const baseline = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98];
    const canary = baseline.map((v) => v * 1.2);
    const tolerant = classifyMetric(baseline, canary, rules('latency', { allowedIncrease: 1.5 }));
    expect(tolerant.classification).toBe('Pass');
    expect(tolerant.reason).toContain('the mean ratio is 1.2, below allowedIncrease 1.5');
    expect(classifyMetric(baseline, canary, rules('latency', { allowedIncrease: 1.19 })).classification).toBe(
      'High',
    );
  });

  it('lets a significant decrease pass while the mean ratio stays within allowedDecrease', () => {
    const baseline = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98];
    const canary = baseline.map((v) => v * 0.8);
    const either = { direction: 'either' } as const;
    expect(
      classifyMetric(baseline, canary, rules('m', { ...either, allowedDecrease: 0.5 })).classification,
    ).toBe('Pass');
    expect(
      classifyMetric(baseline, canary, rules('m', { ...either, allowedDecrease: 0.81 })).classification,
    ).toBe('Low');
  });

  it('Kayenta ClassifierSuite: Mean Ratio Effect Size High and Pass', () => {
    const high = classifyMetric(
      [1.0, 2.2, 1.1, 2.5, 3.0],
      [20.0, 22.0, 21.0, 25.0, 30.0],
      rules('m', { direction: 'either', allowedDecrease: 0.8, allowedIncrease: 1.2 }),
      SUITE,
    );
    expect(high.classification).toBe('High');
    const pass = classifyMetric(
      [20.0, 22.0, 21.0, 25.0, 30.0],
      [10.0, 12.2, 10.1, 12.5, 23.0],
      rules('m', { direction: 'either', allowedDecrease: 0.5, allowedIncrease: 1 }),
      SUITE,
    );
    expect(pass.classification).toBe('Pass');
    expect(pass.ratio).toBeCloseTo(67.8 / 118, 12);
  });

  it('needs the interval to clear ±0.25·|estimate|, not just zero', () => {
    const baseline = Array.from({ length: 20 }, (_, i) => 100 + i);
    const r = rules('m', { allowedIncrease: 1 });
    const shifted = (s: number, tolerance?: number) =>
      classifyMetric(
        baseline,
        baseline.map((v) => v + s),
        r,
        tolerance === undefined ? {} : { tolerance },
      );
    // Shift 6.5: the interval [1.5, 11.5] is above 0 but not above 0.25 × 6.5 = 1.625.
    const below = shifted(6.5);
    expect(below.interval).toEqual([1.5, 11.5]);
    expect(below.classification).toBe('Pass');
    expect(below.reason).toContain('no clear shift');
    // Shift 6.75: [1.75, 11.75] clears 0.25 × 6.75 = 1.6875.
    const above = shifted(6.75);
    expect(above.interval).toEqual([1.75, 11.75]);
    expect(above.classification).toBe('High');
    // The comparison is strict: a bound equal to tolerance·|estimate| does not count.
    expect(shifted(6).interval).toEqual([1, 11]);
    expect(shifted(6, 1 / 6).classification).toBe('Pass');
    expect(shifted(6, 0).classification).toBe('High');
  });

  it('reports U, the p-value, the interval, the estimate, the ratio and both samples', () => {
    const result = classifyMetric([1, 2, 3, 4], [10, 20, 30, 40], rules('m'), { confidence: 0.95 });
    expect(result).toMatchObject({
      name: 'm',
      group: 'default',
      u: 16,
      method: 'exact',
      interval: [6, 39], // Kayenta MannWhitneySuite: "Mann-Whitney Confidence Interval & Estimate"
      estimate: 22.5,
      ratio: 10,
      baseline: { n: 4, mean: 2.5, missing: 0, outliers: 0 },
      canary: { n: 4, mean: 25, missing: 0, outliers: 0 },
    });
    expect(result.pValue).toBeCloseTo(0.02857142857142857, 15); // scipy, exact method
  });
});

describe('classifyMetric: ties, identical data and zero means', () => {
  it.each([
    ['Tied Observations', [1.0, 1.0], [1.0, 1.0, 1.0], 'decrease', 'Pass'],
    ['Identical Populations', [5.0, 4.0, 3.0, 2.0, 1.0], [1.0, 2.0, 3.0, 4.0, 5.0], 'decrease', 'Pass'],
    ['Leading Zero Identical Population', [1, 1, 1, 1, 1], [0, 1, 1, 1, 1], 'decrease', 'Pass'],
    ['Majority Tied Observations', [1, 1, 1, 1, 1], [1, 1, 1, 1, 10], 'either', 'Pass'],
    ['Tied Ranks', [1, 1, 1, 1, 1], [10, 10, 10, 10, 10], 'either', 'High'],
    ['Tied Ranks With Zeros', [0, 0, 0, 0, 0], [10, 10, 10, 10, 10], 'either', 'High'],
  ] as const)('Kayenta ClassifierSuite: %s', (_name, baseline, canary, direction, expected) => {
    const r = rules('m', { direction, allowedIncrease: 1, allowedDecrease: 1 });
    expect(classifyMetric(baseline, canary, r, SUITE).classification).toBe(expected);
  });

  it('passes identical data (in any order) with that reason, still reporting the test', () => {
    const result = classifyMetric([3, 1, 2], [1, 2, 3], rules('m'));
    expect(result).toMatchObject({
      classification: 'Pass',
      reason: 'the canary and baseline data are identical',
    });
    expect(result.pValue).toBe(1);
    expect(result.u).toBe(4.5);
  });

  it('passes when every value in both samples is the same', () => {
    const result = classifyMetric([2, 2], [2, 2, 2], rules('m'));
    expect(result).toMatchObject({
      classification: 'Pass',
      reason: 'every value is the same',
      interval: [0, 0],
    });
  });

  it('judges samples that are each constant deterministically, without adding noise', () => {
    const result = classifyMetric([1, 1, 1], [3, 3, 3], rules('m'));
    expect(result).toMatchObject({ classification: 'High', interval: [2, 2], estimate: 2, ratio: 3 });
  });

  it('Kayenta ClassifierSuite: Zero Mean, High and Low with an effect size that cannot be computed', () => {
    const r = rules('m', { direction: 'either', allowedDecrease: 0.8, allowedIncrease: 1.2 });
    const high = classifyMetric([0, 0, 0, 0, 0], [54.9, 54.5, 55.1, 55.6, 57.4], r, SUITE);
    expect(high).toMatchObject({ classification: 'High', ratio: null });
    expect(high.reason).toContain('the mean ratio cannot be computed');
    const low = classifyMetric([54.9, 54.5, 55.1, 55.6, 57.4], [0, 0, 0, 0, 0], r, SUITE);
    expect(low).toMatchObject({ classification: 'Low', ratio: null });
  });

  it('Kayenta ClassifierSuite: Zero Mean, Critical Metric', () => {
    const canary = [
      0.05000000074505806, 0.05000000074505806, 0.01666666753590107, 0.01666666753590107, 0.01666666753590107,
      0.05000000074505806, 0.03333333507180214, 0.05000000260770321, 0.05000000260770321, 0.13333333656191826,
    ];
    const result = classifyMetric(
      new Array<number>(10).fill(0),
      canary,
      rules('m', { direction: 'either', critical: true }),
      SUITE,
    );
    expect(result).toMatchObject({ classification: 'High', critical: true });
  });

  it('computes the crossing exactly where Kayenta stops its root solver 1e-4 short (a known difference)', () => {
    // Kayenta's ClassifierSuite "High Metric (Large Input)" expects High on these zero-heavy
    // series (the same data as MannWhitneySuite's "Intermediate Values" case, in the fixture).
    // The interval's lower bound and the estimate both cross at exactly 0 (a mass of 0 - 0
    // differences); R's uniroot (which Kayenta's suite ties out against) returns 3.5e-5 and 2.6e-5, and
    // 3.5e-5 > 0.1 × 2.6e-5 makes it High. Computed exactly, 0 > 0.1 × 0 is false: Pass.
    const fixtures = JSON.parse(
      readFileSync(new URL('../fixtures/judge/mannwhitneyu.json', import.meta.url), 'utf8'),
    ) as { kayentaSuite: { name: string; x: number[]; y: number[] }[] };
    const data = fixtures.kayentaSuite.find((k) => k.name.includes('Intermediate'))!;
    const result = classifyMetric(
      data.y,
      data.x,
      rules('m', { direction: 'either', allowedIncrease: 1, allowedDecrease: 1 }),
      SUITE,
    );
    expect(result.interval).toEqual([0, 0]);
    expect(result.estimate).toBe(0);
    expect(result.classification).toBe('Pass');
    expect(result.pValue).toBeLessThan(1e-8); // the rank test itself sees the difference
  });
});

describe('classifyMetric: missing data', () => {
  it('drops NaN (and infinite) values before judging, and counts them', () => {
    const clean = classifyMetric(ERRORS, doubled, rules('m'));
    const gappy = classifyMetric([NaN, ...ERRORS, Infinity], [...doubled, NaN, NaN], rules('m'));
    expect(gappy.baseline).toEqual({ ...clean.baseline, missing: 2 });
    expect(gappy.canary).toEqual({ ...clean.canary, missing: 2 });
    expect(gappy.pValue).toBe(clean.pValue);
    expect(gappy.classification).toBe('High');
  });

  it('is Nodata when either side has no values', () => {
    const result = classifyMetric(ERRORS, [], rules('m'));
    expect(result).toMatchObject({
      classification: 'Nodata',
      reason: 'no data for m in the canary',
      critical: false,
      u: null,
      pValue: null,
      method: null,
      interval: null,
      ratio: null,
      canary: { n: 0, mean: null },
    });
    expect(classifyMetric([NaN, NaN], ERRORS, rules('m')).reason).toBe('no data for m in the baseline');
    expect(classifyMetric([], [], rules('m')).reason).toBe('no data for m in the baseline and the canary');
  });

  it('is NodataFail when the metric must have data and is not critical', () => {
    const result = classifyMetric(ERRORS, [], rules('m', { mustHaveData: true }));
    expect(result).toMatchObject({ classification: 'NodataFail', critical: false });
    expect(result.reason).toContain('mustHaveData');
  });

  it('Kayenta ClassifierSuite: Missing Experiment Data, Critical Metric: Nodata that fails the run', () => {
    const result = classifyMetric(
      [1, 2, 3, 4, 5],
      [],
      rules('m', { critical: true, mustHaveData: true }),
      SUITE,
    );
    expect(result).toMatchObject({ classification: 'Nodata', critical: true });
  });
});

describe('classifyMetric: outliers', () => {
  const baseline = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98];
  const canary = [...baseline.map((v) => v * 1.2), 5000];

  it('keeps outliers by default, so one spike can move the mean ratio past allowedIncrease', () => {
    const kept = classifyMetric(baseline, canary, rules('latency', { allowedIncrease: 1.5 }));
    expect(kept.classification).toBe('High');
    expect(kept.canary.outliers).toBe(0);
  });

  it('removes them with outliers: remove (IQR fences, factor 3)', () => {
    const removed = classifyMetric(
      baseline,
      canary,
      rules('latency', { allowedIncrease: 1.5, outliers: 'remove' }),
    );
    expect(removed.classification).toBe('Pass');
    expect(removed.canary).toMatchObject({ n: 12, outliers: 1 });
    expect(removed.ratio).toBeCloseTo(1.2, 12);
  });

  it('computes percentiles by R type 7, as commons-math and numpy do', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBe(1.75);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 99)).toBeCloseTo(3.97, 12);
    expect(percentile([7], 1)).toBe(7);
  });

  it('fences at min(p1, Q1 - 3·IQR) and max(p99, Q3 + 3·IQR)', () => {
    const values = [...Array.from({ length: 100 }, (_, i) => i + 1), 1000];
    // Q1 = 26, Q3 = 76, IQR = 50: the upper fence is 226, so only 1000 goes.
    expect(removeOutliers(values)).toEqual(values.slice(0, 100));
    expect(removeOutliers(values, 20)).toEqual(values); // a wide fence keeps it
    // p99 wider than Q3 + 3·IQR keeps dense spikes: here Q1 = Q3 = 0, but p99 = 5.
    const spiky = [...new Array<number>(98).fill(0), 5, 5];
    expect(removeOutliers(spiky)).toEqual(spiky);
    const dips = [-5, -5, ...new Array<number>(98).fill(0)]; // and p1 = -5 on the low side
    expect(removeOutliers(dips)).toEqual(dips);
    expect(removeOutliers([])).toEqual([]);
  });
});
