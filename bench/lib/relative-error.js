'use strict';

/**
 * Mean and max of |a - b| relative to the largest |a| (the reference's
 * scale); a NaN difference counts as Infinity.
 */
function relativeError(a, b) {
  let scale = 1e-9;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    const e = Number.isNaN(d) ? Infinity : d / scale;
    sum += e;
    max = Math.max(max, e);
  }
  return { mean: sum / a.length, max };
}

const percent = (v, digits = 2) => (Number.isFinite(v) ? `${(v * 100).toFixed(digits)}%` : 'overflow');

module.exports = { relativeError, percent };
