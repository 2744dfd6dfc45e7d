// How parity is judged. Both runtimes compute in float32 with XNNPACK kernels,
// but with different microkernels (WebAssembly SIMD vs AVX2/FMA): sums are
// accumulated in a different order and FMA rounds once instead of twice, so
// results differ in the last bits and the differences grow with the depth of
// the network. The tolerance is relative to the output's magnitude:
//   |a - b| <= atol + rtol * max|reference|   for every element.
export interface Difference {
  maxAbs: number;
  scale: number;
  /** maxAbs / max(scale, 1e-6). */
  relative: number;
  index: number;
  /** Fraction of elements whose difference exceeds `1e-4 * scale`. */
  outliers: number;
}

export function difference(actual: ArrayLike<number>, expected: ArrayLike<number>): Difference {
  let maxAbs = 0;
  let index = -1;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let outliers = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= maxAbs)) {
      maxAbs = d;
      index = i;
    }
    if (!(d <= 1e-4 * scale)) outliers++;
  }
  return { maxAbs, scale, relative: maxAbs / Math.max(scale, 1e-6), index, outliers: outliers / Math.max(1, expected.length) };
}

/** A deterministic, non-trivial input: a mix of sines, in [lo, hi]. */
export function deterministicInput(n: number, lo = -1, hi = 1, seed = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = 0.5 + 0.25 * Math.sin(i * 0.0137 * seed + 0.3) + 0.25 * Math.sin(i * 0.719 + seed);
    out[i] = lo + (hi - lo) * v;
  }
  return out;
}
