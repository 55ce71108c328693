// One metric series' buckets (a bucket per second with data), packed: the seconds, the four
// statistics and where each histogram lies are columns of typed arrays, and the histograms' bins
// lie one after another in blocks of up to 4,096 bins. At 100 services the store holds tens of
// thousands of buckets; kept as an object, a typed array and its buffer each, they were most of
// what the heap held at its peak, beside the histograms themselves.
//
// A bin is 14 bytes in a block, not 24: its number (-2,083 to 3,472, and the zero bin) as a
// 16-bit integer and its count as a 32-bit float, which hold every bin this store makes and
// every whole count up to 2^24 exactly; its sum stays a 64-bit float. A histogram they cannot
// hold exactly (a fractional count from a statistic set, a bin from a hand-edited file) is kept
// as it is, apart.
//
// Buckets are kept in time order. Data comes in time order and goes oldest first (retention),
// so a block fills from its start and goes once no bucket holds a histogram in it. A bin, once
// written, is never written over (a merge writes the sum anew).

import { addHistograms, ZERO_BIN, type Bucket, type Histogram } from './metric-values.js';

const STATS = 4; // count, sum, minimum, maximum
const FIRST_BLOCK = 128; // bins, doubling up to
const LARGEST_BLOCK = 4096; // bins (56 kB); a larger histogram gets a block of its own
const ZERO = -32768; // the zero bin, in a block

interface Block {
  bins: Int16Array;
  counts: Float32Array;
  sums: Float64Array;
  used: number;
}

export class SeriesBuckets {
  private seconds = new Float64Array(4);
  private stats = new Float64Array(4 * STATS);
  /**
   * Each bucket's histogram: its block, with its first bin and number of bins; or the histogram
   * itself, kept apart; undefined when percentiles are unavailable.
   */
  private blocks: (Block | Histogram | undefined)[] = [];
  private starts = new Int32Array(4);
  private lengths = new Int32Array(4);
  /** Buckets are at [first, end): those before `first` are dropped. */
  private first = 0;
  private end = 0;
  private block: Block | undefined;

  get size(): number {
    return this.end - this.first;
  }

  /** Adds a bucket at `second`, merged into the one already there. */
  add(second: number, add: Bucket): void {
    const at = this.lowerBound(second);
    if (at < this.end && this.seconds[at] === second) {
      const held = this.bucketAt(at);
      const hist =
        held.hist === undefined || add.hist === undefined ? undefined : addHistograms(held.hist, add.hist);
      this.release(at);
      this.set(at, second, {
        count: held.count + add.count,
        sum: held.sum + add.sum,
        min: Math.min(held.min, add.min),
        max: Math.max(held.max, add.max),
        hist,
      });
      return;
    }
    this.set(this.makeRoom(at), second, add);
  }

  /** Drops every bucket at or before `second`. */
  dropUntil(second: number): void {
    const until = this.lowerBound(second, true);
    for (let at = this.first; at < until; at++) this.release(at);
    this.first = until;
  }

  /** The buckets from `from` to `to` (seconds, both included), oldest first. */
  *between(from: number, to: number): Generator<[second: number, bucket: Bucket]> {
    for (let at = this.lowerBound(from); at < this.end && this.seconds[at]! <= to; at++)
      yield [this.seconds[at]!, this.bucketAt(at)];
  }

  /** Every bucket, oldest first. */
  all(): Generator<[second: number, bucket: Bucket]> {
    return this.between(-Infinity, Infinity);
  }

  /** A copy of the bucket (its histogram kept apart is never changed, so it is shared). */
  private bucketAt(at: number): Bucket {
    const s = at * STATS;
    return {
      count: this.stats[s]!,
      sum: this.stats[s + 1]!,
      min: this.stats[s + 2]!,
      max: this.stats[s + 3]!,
      hist: this.histogramAt(at),
    };
  }

  private histogramAt(at: number): Histogram | undefined {
    const block = this.blocks[at];
    if (block === undefined || block instanceof Float64Array) return block;
    const [start, length] = [this.starts[at]!, this.lengths[at]!];
    const hist = new Float64Array(length * 3);
    for (let i = 0; i < length; i++) {
      const bin = block.bins[start + i]!;
      hist[i * 3] = bin === ZERO ? ZERO_BIN : bin;
      hist[i * 3 + 1] = block.counts[start + i]!;
      hist[i * 3 + 2] = block.sums[start + i]!;
    }
    return hist;
  }

  private set(at: number, second: number, bucket: Bucket): void {
    this.seconds[at] = second;
    this.stats.set([bucket.count, bucket.sum, bucket.min, bucket.max], at * STATS);
    const hist = bucket.hist;
    if (hist === undefined || !fitsBlock(hist)) {
      this.blocks[at] = hist?.slice();
      return;
    }
    const length = hist.length / 3;
    const block = this.room(length);
    for (let i = 0, to = block.used; i < length; i++, to++) {
      const bin = hist[i * 3]!;
      block.bins[to] = bin === ZERO_BIN ? ZERO : bin;
      block.counts[to] = hist[i * 3 + 1]!;
      block.sums[to] = hist[i * 3 + 2]!;
    }
    [this.blocks[at], this.starts[at], this.lengths[at]] = [block, block.used, length];
    block.used += length;
  }

  /** Lets go of the bucket's histogram: its block goes once no bucket holds it. */
  private release(at: number): void {
    this.blocks[at] = undefined;
  }

  /** A block with room for `length` bins: the current one, or a new one twice its size. */
  private room(length: number): Block {
    const current = this.block;
    if (current !== undefined && current.used + length <= current.bins.length) return current;
    const size = Math.max(
      length,
      Math.min(LARGEST_BLOCK, current === undefined ? FIRST_BLOCK : current.bins.length * 2),
    );
    const block = {
      bins: new Int16Array(size),
      counts: new Float32Array(size),
      sums: new Float64Array(size),
      used: 0,
    };
    if (length <= LARGEST_BLOCK) this.block = block;
    return block;
  }

  /**
   * Makes a free place at `at` (the buckets from `at` on move up one) and returns where it now
   * is: when the columns are full, the dropped buckets' places are taken back, and the columns
   * grow once they are three quarters full.
   */
  private makeRoom(at: number): number {
    if (this.end === this.seconds.length) {
      const kept = this.end - this.first;
      this.resize(kept * 4 <= this.seconds.length * 3 ? this.seconds.length : this.seconds.length * 2);
      at -= this.first;
      [this.first, this.end] = [0, kept];
    }
    if (at < this.end) {
      this.seconds.copyWithin(at + 1, at, this.end);
      this.stats.copyWithin((at + 1) * STATS, at * STATS, this.end * STATS);
      this.starts.copyWithin(at + 1, at, this.end);
      this.lengths.copyWithin(at + 1, at, this.end);
      this.blocks.splice(at, 0, undefined);
    }
    this.end += 1;
    return at;
  }

  /** New columns of `capacity` buckets, holding those kept ([first, end)) from 0. */
  private resize(capacity: number): void {
    const { first, end } = this;
    const column = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T, width = 1): T => {
      const next = make(capacity * width);
      next.set(old.subarray(first * width, end * width));
      return next;
    };
    this.seconds = column(this.seconds, (n) => new Float64Array(n));
    this.stats = column(this.stats, (n) => new Float64Array(n), STATS);
    this.starts = column(this.starts, (n) => new Int32Array(n));
    this.lengths = column(this.lengths, (n) => new Int32Array(n));
    this.blocks = this.blocks.slice(first, end);
  }

  /** The first place, from `first`, whose second is at or after `second` (after it, with `after`; `end` if none). */
  private lowerBound(second: number, after = false): number {
    let [low, high] = [this.first, this.end];
    while (low < high) {
      const middle = (low + high) >>> 1;
      const at = this.seconds[middle]!;
      if (at < second || (after && at === second)) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/** Whether a block holds the histogram exactly: every bin a 16-bit integer (or zero's), every count a 32-bit float. */
function fitsBlock(hist: Histogram): boolean {
  for (let i = 0; i < hist.length; i += 3) {
    const [bin, count] = [hist[i]!, hist[i + 1]!];
    if (bin !== ZERO_BIN && !(Number.isInteger(bin) && bin > ZERO && bin <= 32767)) return false;
    if (Math.fround(count) !== count) return false;
  }
  return true;
}
