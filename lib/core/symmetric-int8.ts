/**
 * Symmetric int8 quantization of weights (TFLite's scheme: zero point 0,
 * values in [-127, 127], scale = max |w| / 127), with one scale per index of
 * `axis` (per output channel) or, without an axis, one for the whole tensor.
 */
export interface SymmetricInt8 {
  data: Int8Array;
  scales: number[];
}

export function symmetricInt8(values: Float32Array, shape: readonly number[], axis?: number): SymmetricInt8 {
  const channels = axis === undefined ? 1 : shape[axis];
  const stride = axis === undefined ? values.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (j: number) => (axis === undefined ? 0 : Math.floor(j / stride) % channels);
  const scales = new Array<number>(channels).fill(0);
  for (let j = 0; j < values.length; j++) {
    const c = channelOf(j);
    scales[c] = Math.max(scales[c], Math.abs(values[j]));
  }
  for (let c = 0; c < channels; c++) scales[c] = scales[c] > 0 ? scales[c] / 127 : 1;
  const data = new Int8Array(values.length);
  for (let j = 0; j < values.length; j++) data[j] = Math.max(-127, Math.min(127, Math.round(values[j] / scales[channelOf(j)])));
  return { data, scales };
}
