/**
 * Post-training weight clustering: each filter's weights (or each output
 * channel's) replaced by the nearest of at most k centroids found by k-means.
 * The file stays an ordinary float model, in the element type it had (FP16
 * weights stay FP16), so it runs anywhere at the same speed; what it buys is
 * compression: a filter of 16 distinct values gzips to a fraction of one of
 * thousands.
 */
import { checkOptions, invalid } from '../args';
import { float16ToFloat32, float32ToFloat16Bits } from '../model/float16';
import type { ModelSource } from '../model-source';
import { editModel } from './edit-model';
import { kmeans, nearest } from './kmeans';
import type { ModelEdit } from './model-edit';
import { notesOnSkipped } from './prune';
import { findWeights, type Weight } from './weights';

/** Options of `cluster()`. */
export interface ClusterOptions {
  /** Centroids per filter (or per output channel): an integer from 2 to 256. */
  clusters: number;
  /** One set of centroids per output channel instead of per filter (more accurate, compresses less). Default false. */
  perChannel?: boolean;
  /** Called once with what was clustered and what was left alone, and why. */
  onNotes?: (notes: string[]) => void;
  /** Called after each filter with the count done and the total. */
  onProgress?: (done: number, total: number) => void;
}

export function checkClusterOptions(options: unknown) {
  const o = checkOptions<ClusterOptions>(options, 'options', ['clusters', 'perChannel', 'onNotes', 'onProgress']);
  if (typeof o.clusters !== 'number' || !Number.isInteger(o.clusters)) throw invalid('an integer from 2 to 256', 'options.clusters', o.clusters);
  if (o.clusters < 2 || o.clusters > 256) throw new RangeError(`Expected an integer from 2 to 256 for options.clusters but received ${o.clusters}`);
  if (o.perChannel !== undefined && typeof o.perChannel !== 'boolean') throw invalid('a boolean', 'options.perChannel', o.perChannel);
  if (o.onNotes !== undefined && typeof o.onNotes !== 'function') throw invalid('a function', 'options.onNotes', o.onNotes);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('a function', 'options.onProgress', o.onProgress);
  return { clusters: o.clusters, perChannel: o.perChannel ?? false, onNotes: o.onNotes ?? (() => {}), onProgress: o.onProgress ?? (() => {}) };
}

/**
 * Clusters the filters of a float model's convolutions and fully-connected
 * layers and returns the bytes of a standard `.tflite` file. Clustering
 * without retraining costs accuracy: measure it with `optimizationReport()`.
 *
 * @throws {TypeError} for bad options, or a model without float filters.
 * @throws {RangeError} for clusters outside 2..256.
 * @example
 * const bytes = await cluster('model.tflite', { clusters: 16 });
 */
export async function cluster(source: ModelSource, options: ClusterOptions): Promise<Uint8Array> {
  const o = checkClusterOptions(options);
  return editModel(source, (model) => o.onNotes(clusterWeights(model, o.clusters, o.perChannel, o.onProgress)));
}

const half = new Uint8Array(2);
/** `x` rounded to the nearest FP16 value. */
function roundToFloat16(x: number): number {
  const bits = float32ToFloat16Bits(x);
  half[0] = bits & 0xff;
  half[1] = bits >> 8;
  return float16ToFloat32(half)[0];
}

/** Replaces `values` in place by their nearest centroid; zeros stay zero when `keepZeros` (weights stored sparse). */
function clusterValues(values: Float32Array, k: number, storage: 'float32' | 'float16', keepZeros: boolean): void {
  const members = keepZeros ? values.filter((v) => v !== 0) : values;
  let centroids = kmeans(members, keepZeros ? k - 1 : k);
  // Stored values are exactly the centroids: FP16 rounding happens before assignment (it may merge two, never split one).
  if (storage === 'float16') centroids = Float64Array.from(new Set(Array.from(centroids, roundToFloat16))).sort();
  else centroids = centroids.map(Math.fround);
  for (let i = 0; i < values.length; i++) {
    if (keepZeros && values[i] === 0) continue;
    values[i] = centroids[nearest(centroids, values[i])];
  }
}

/** Values of channel `c` along `axis` of a tensor of `shape`: their indices. */
function channelIndices(shape: readonly number[], axis: number, c: number): Uint32Array {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = shape[axis];
  const out = new Uint32Array(outer * inner);
  let at = 0;
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) out[at++] = (o * n + c) * inner + i;
  return out;
}

export function clusterWeights(model: ModelEdit, k: number, perChannel: boolean, onProgress: (done: number, total: number) => void): string[] {
  const { weights, skipped } = findWeights(model);
  if (weights.length === 0) {
    throw new TypeError(`the model has no float32 or FP16 filters of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED to cluster${skipped.length ? ` (${skipped[0].name}: ${skipped[0].reason})` : ''}`);
  }
  let sparse = 0;
  weights.forEach((w: Weight, done) => {
    const { values, shape, storage } = w.constant;
    const keepZeros = w.constant.sparse;
    if (perChannel && shape.length > 0) {
      for (let c = 0; c < shape[w.channelAxis]; c++) {
        const indices = channelIndices(shape, w.channelAxis, c);
        const channel = Float32Array.from(indices, (i) => values[i]);
        clusterValues(channel, k, storage, keepZeros);
        indices.forEach((i, j) => { values[i] = channel[j]; });
      }
    } else {
      clusterValues(values, k, storage, keepZeros);
    }
    if (model.store(w.constant, values, shape, keepZeros ? 'smaller' : 'dense')) sparse++;
    onProgress(done + 1, weights.length);
  });
  return [
    `clustered ${weights.length} filter(s) to at most ${k} distinct values ${perChannel ? 'per output channel' : 'each'}`
      + (sparse ? `; ${sparse} stored sparse kept their zeros (one of the ${k} values)` : ''),
    ...notesOnSkipped(skipped),
  ];
}
