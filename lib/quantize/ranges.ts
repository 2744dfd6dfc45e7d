/**
 * How calibration turns the values an activation took into the range its
 * int8 grid covers. `minmax` keeps every value representable (TFLite's
 * default); a percentile range clips rare outliers, so that the common
 * values get a finer grid, for models whose activations have long tails.
 */

/** `'minmax'`, or `{ percentile: p }`: the range from the (100 - p)th to the p-th percentile of the values seen. */
export type RangeMethod = 'minmax' | { percentile: number };

export interface RangeObserver {
  /** Records values; returns the index of the first non-finite one, or -1. */
  observe(values: Float32Array): number;
  /** The range seen, widened to include 0 (TFLite's zero point must be exact); undefined before any value. */
  range(): [number, number] | undefined;
}

class MinMax implements RangeObserver {
  private lo = Infinity;
  private hi = -Infinity;

  observe(values: Float32Array): number {
    let { lo, hi } = this;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!(v >= lo)) {
        if (Number.isNaN(v) || v === -Infinity) return i;
        lo = v;
      }
      if (!(v <= hi)) {
        if (v === Infinity) return i;
        hi = v;
      }
    }
    this.lo = lo;
    this.hi = hi;
    return -1;
  }

  range(): [number, number] | undefined {
    return this.lo <= this.hi ? [Math.min(this.lo, 0), Math.max(this.hi, 0)] : undefined;
  }
}

const BINS = 4096;

/**
 * A histogram over [-limit, limit] that doubles its limit (merging pairs of
 * bins) when a value falls outside, so one pass over a streamed dataset
 * suffices. Resolution: limit / 2048, where limit is within 2x of max |v|.
 */
class Percentile implements RangeObserver {
  private counts = new Float64Array(BINS);
  private limit = 0;
  private total = 0;

  constructor(private readonly percentile: number) {}

  observe(values: Float32Array): number {
    let peak = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) return i;
      const a = Math.abs(v);
      if (a > peak) peak = a;
    }
    if (peak === 0 && this.limit === 0) {
      this.counts[BINS / 2] += values.length;
      this.total += values.length;
      return -1;
    }
    if (this.limit === 0) this.limit = peak;
    while (peak > this.limit) this.grow();
    const { counts, limit } = this;
    const perUnit = BINS / (2 * limit);
    for (let i = 0; i < values.length; i++) {
      const bin = Math.min(BINS - 1, Math.floor((values[i] + limit) * perUnit));
      counts[bin]++;
    }
    this.total += values.length;
    return -1;
  }

  /** Doubles the limit: the old bins land, two by two, in the middle half. */
  private grow(): void {
    const next = new Float64Array(BINS);
    for (let b = 0; b < BINS; b++) next[BINS / 4 + (b >> 1)] += this.counts[b];
    this.counts = next;
    this.limit *= 2;
  }

  range(): [number, number] | undefined {
    if (this.total === 0) return undefined;
    if (this.limit === 0) return [0, 0];
    const tail = this.total * (1 - this.percentile / 100);
    const width = (2 * this.limit) / BINS;
    let lowBin = 0;
    for (let seen = 0; lowBin < BINS - 1 && seen + this.counts[lowBin] <= tail; lowBin++) seen += this.counts[lowBin];
    let highBin = BINS - 1;
    for (let seen = 0; highBin > 0 && seen + this.counts[highBin] <= tail; highBin--) seen += this.counts[highBin];
    const lo = -this.limit + lowBin * width;
    const hi = -this.limit + (highBin + 1) * width;
    return [Math.min(lo, 0), Math.max(hi, 0)];
  }
}

export function rangeObserver(method: RangeMethod): RangeObserver {
  return method === 'minmax' ? new MinMax() : new Percentile(method.percentile);
}
