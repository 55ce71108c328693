// A series' buckets packed in columns and blocks (local/aws/metric-series.ts), checked against a
// plain Map of buckets after random sequences of additions (in and out of time order, onto a
// second already held) and drops: the same buckets, in time order, and a histogram handed out
// stays as it was whatever comes after.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeriesBuckets } from '../../local/aws/metric-series.js';
import { copy, merge, ValueSet, type Bucket } from '../../local/aws/metric-values.js';

type Step =
  { kind: 'add'; second: number; values: number[]; fractional: boolean } | { kind: 'drop'; second: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      second: fc.integer({ min: 0, max: 400 }),
      // Up to a few hundred bins: some histograms larger than a block.
      values: fc.oneof(
        fc.array(fc.double({ min: -1, max: 100, noNaN: true }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 3000 }).map((n) => Array.from({ length: n }, (_, i) => 0.001 * 1.011 ** i)),
      ),
      // Counts a 32-bit float cannot hold exactly: the histogram is kept apart.
      fractional: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('drop' as const), second: fc.integer({ min: 0, max: 400 }) }),
  },
);

const plain = (b: Bucket) => ({ ...b, hist: b.hist === undefined ? undefined : [...b.hist] });

describe('a series packed in columns and blocks', () => {
  it('holds what a Map of buckets holds, in time order, and never changes a histogram handed out', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 120 }), (steps) => {
        const packed = new SeriesBuckets();
        const model = new Map<number, Bucket>();
        const handedOut: [Float64Array, number[]][] = [];
        for (const s of steps) {
          if (s.kind === 'drop') {
            packed.dropUntil(s.second);
            for (const second of model.keys()) if (second <= s.second) model.delete(second);
            continue;
          }
          const counts = s.fractional ? s.values.map((_, i) => 0.1 * (i + 1)) : undefined;
          const bucket = new ValueSet().add(s.values, counts).bucket()!;
          packed.add(s.second, copy(bucket));
          const held = model.get(s.second);
          model.set(s.second, held === undefined ? copy(bucket) : merge(copy(held), bucket));
          for (const [, b] of packed.between(s.second, s.second))
            if (b.hist !== undefined) handedOut.push([b.hist, [...b.hist]]);
        }
        const expected = [...model].sort(([a], [b]) => a - b).map(([second, b]) => [second, plain(b)]);
        expect([...packed.all()].map(([second, b]) => [second, plain(b)])).toEqual(expected);
        expect(packed.size).toBe(model.size);
        for (const [view, values] of handedOut) expect([...view]).toEqual(values);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps apart, as it is, a histogram whose bins a block cannot hold', () => {
    const packed = new SeriesBuckets();
    const hist = Float64Array.of(-40000, 1, 1e-300, 7, 2, 1.5, 40000, 1, 1e300);
    packed.add(5, { count: 4, sum: 1e300, min: 1e-300, max: 1e300, hist });
    packed.add(6, new ValueSet().add([0, 0.995, 1.5]).bucket()!);
    const [apart, inBlock] = [...packed.all()].map(([, bucket]) => [...bucket.hist!]);
    expect(apart).toEqual([...hist]);
    expect(inBlock).toEqual([...new ValueSet().add([0, 0.995, 1.5]).bucket()!.hist!]);
  });

  it('gives the buckets between two seconds, both included', () => {
    const packed = new SeriesBuckets();
    for (const second of [50, 10, 30, 20, 40]) packed.add(second, new ValueSet().add([second]).bucket()!);
    expect([...packed.between(20, 40)].map(([second, b]) => [second, b.sum])).toEqual([
      [20, 20],
      [30, 30],
      [40, 40],
    ]);
    packed.dropUntil(30);
    expect([...packed.all()].map(([second]) => second)).toEqual([40, 50]);
    // A retention that is not whole seconds: what is at or before the cutoff goes, no more.
    packed.add(41, new ValueSet().add([41]).bucket()!);
    packed.dropUntil(40.5);
    expect([...packed.all()].map(([second]) => second)).toEqual([41, 50]);
  });
});
