// How parity is judged. Both runtimes compute in float32 with XNNPACK kernels,
// but with different microkernels (WebAssembly SIMD vs AVX2/FMA): sums are
// accumulated in a different order and FMA rounds once instead of twice, so
// results differ in the last bits and the differences grow with the depth of
// the network. The tolerance is relative to the output's magnitude:
//   |a - b| <= atol + rtol * max|reference|   for every element.
import type { Test } from 'tap';

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

/**
 * A deterministic picture for an NHWC image input, in [lo, hi]: a colour
 * gradient with a few shaded discs on it. Closer to what vision models see
 * than per-element noise, so activations (and calibrated ranges) resemble
 * those of real use.
 */
export function syntheticImage(shape: readonly number[], lo = 0, hi = 1, seed = 1): Float32Array {
  const [, h, w, c] = shape.length === 4 ? shape : [1, 1, shape.reduce((a, b) => a * b, 1), 1];
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const colour = () => Array.from({ length: c }, random);
  const [from, to] = [colour(), colour()];
  const angle = random() * Math.PI * 2;
  const discs = Array.from({ length: 3 + Math.floor(random() * 4) }, () => ({
    x: random() * w, y: random() * h, r: (0.1 + random() * 0.3) * Math.min(w, h), colour: colour(),
  }));
  const out = new Float32Array(h * w * c);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = 0.5 + 0.5 * Math.sin(((x / w) * Math.cos(angle) + (y / h) * Math.sin(angle)) * Math.PI);
      for (let k = 0; k < c; k++) {
        let v = from[k] * (1 - t) + to[k] * t;
        for (const d of discs) {
          const dist = Math.hypot(x - d.x, y - d.y) / d.r;
          if (dist < 1) v = d.colour[k] * (0.6 + 0.4 * Math.sqrt(1 - dist * dist));
        }
        out[(y * w + x) * c + k] = lo + (hi - lo) * v;
      }
    }
  }
  return out;
}

/** Checks `ours` against the reference's values: float within 1e-5 of the reference's largest magnitude (+1e-6), as the parity tests ask. */
export function expectCloseTo(t: Test, ours: ArrayLike<number>, ref: ArrayLike<number>, what: string): void {
  t.equal(ours.length, ref.length, `${what}: ${ref.length} values`);
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]));
    worst = Math.max(worst, Math.abs(ours[i] - ref[i]));
  }
  t.ok(worst <= 1e-5 * scale + 1e-6, `${what}: within 1e-5 of LiteRT.js (max difference ${worst.toExponential(2)}, magnitude ${scale.toFixed(3)})`);
}
