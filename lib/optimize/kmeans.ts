/**
 * One-dimensional k-means (Lloyd's iterations), deterministic: centroids
 * start at the means of k equal-count slices of the sorted values (TF-MOT's
 * "density-based" start: more centroids where weights are dense), and each
 * iteration works on the sorted values with prefix sums, since in one
 * dimension every cluster is a contiguous run of them.
 */

/** Iterations at most; weight distributions settle in a few dozen. */
export const MAX_ITERATIONS = 50;

/** First index in sorted `values` not below `x`. */
function lowerBound(values: Float64Array, x: number, from = 0): number {
  let lo = from;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** At most `k` centroids for `values`, increasing: the distinct values themselves when there are at most `k`. */
export function kmeans(values: ArrayLike<number>, k: number): Float64Array {
  const n = values.length;
  if (n === 0) return new Float64Array(0);
  const sorted = Float64Array.from(values).sort();
  const distinct: number[] = [sorted[0]];
  for (let i = 1; i < n && distinct.length <= k; i++) if (sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  if (distinct.length <= k) return Float64Array.from(distinct);

  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + sorted[i];
  const mean = (from: number, to: number) => (prefix[to] - prefix[from]) / (to - from);
  let centroids: number[] = [];
  for (let j = 0; j < k; j++) {
    const from = Math.floor((j * n) / k);
    const to = Math.floor(((j + 1) * n) / k);
    if (to > from) centroids.push(mean(from, to));
  }
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const next: number[] = [];
    let from = 0;
    for (let j = 0; j < centroids.length; j++) {
      const to = j === centroids.length - 1 ? n : lowerBound(sorted, (centroids[j] + centroids[j + 1]) / 2, from);
      // A centroid that attracts no values is dropped: fewer values, never worse.
      if (to > from) next.push(mean(from, to));
      from = to;
    }
    const settled = next.length === centroids.length && next.every((c, j) => c === centroids[j]);
    centroids = next;
    if (settled) break;
  }
  return Float64Array.from(centroids);
}

/** Index of the centroid nearest `x` in increasing `centroids` (the lower one on a tie). */
export function nearest(centroids: Float64Array, x: number): number {
  const i = lowerBound(centroids, x);
  if (i === 0) return 0;
  if (i === centroids.length) return i - 1;
  return x - centroids[i - 1] <= centroids[i] - x ? i - 1 : i;
}
