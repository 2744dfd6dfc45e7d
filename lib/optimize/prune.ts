/**
 * Post-training magnitude pruning: the smallest weights of convolution and
 * fully-connected filters set to zero, stored in TFLite's sparsity format
 * (behind DENSIFY, as TFLite's converter writes pruned weights) when that is
 * smaller; or, structured, whole output channels removed (structured-prune.ts).
 */
import { checkOptions, invalid } from '../args';
import type { ModelSource } from '../model-source';
import { editModel } from './edit-model';
import type { ModelEdit } from './model-edit';
import { pruneChannels } from './structured-prune';
import { findWeights } from './weights';

/** Options of `prune()`. */
export interface PruneOptions {
  /**
   * Fraction to remove, from 0 (inclusive) to 1 (exclusive): of each filter's
   * weights (unstructured), or of each convolution's output channels (`structured`).
   */
  sparsity: number;
  /**
   * Remove whole output channels of CONV_2D operators (the lowest L1 norms),
   * rewriting the operators that read them: a smaller dense model that runs
   * faster everywhere. Convolutions whose outputs reach an operator that
   * cannot be rewritten (a reshape, a concatenation, a model output) keep
   * their channels; `onNotes` names them. Default false: single weights are
   * zeroed and stored sparse.
   */
  structured?: boolean;
  /**
   * Unstructured: `'layer'` (default) prunes every filter to `sparsity`;
   * `'global'` ranks the weights of all filters together, so that filters of
   * small weights lose more of them.
   */
  scope?: 'layer' | 'global';
  /** Called once with what was pruned and what was left alone, and why. */
  onNotes?: (notes: string[]) => void;
}

/** Checks the options shared by every entry point; returns them with defaults. */
export function checkPruneOptions(options: unknown): { sparsity: number; structured: boolean; scope: 'layer' | 'global'; onNotes: (notes: string[]) => void } {
  const o = checkOptions<PruneOptions>(options, 'options', ['sparsity', 'structured', 'scope', 'onNotes']);
  if (typeof o.sparsity !== 'number' || Number.isNaN(o.sparsity)) throw invalid('a number from 0 up to (not including) 1', 'options.sparsity', o.sparsity);
  if (!(o.sparsity >= 0 && o.sparsity < 1)) throw new RangeError(`Expected a number from 0 up to (not including) 1 for options.sparsity but received ${o.sparsity}`);
  if (o.structured !== undefined && typeof o.structured !== 'boolean') throw invalid('a boolean', 'options.structured', o.structured);
  if (o.scope !== undefined && o.scope !== 'layer' && o.scope !== 'global') throw invalid("'layer' or 'global'", 'options.scope', o.scope);
  if (o.scope === 'global' && o.structured) throw new TypeError("options.scope 'global' applies to unstructured pruning; structured pruning ranks each convolution's channels by themselves");
  if (o.onNotes !== undefined && typeof o.onNotes !== 'function') throw invalid('a function', 'options.onNotes', o.onNotes);
  return { sparsity: o.sparsity, structured: o.structured ?? false, scope: o.scope ?? 'layer', onNotes: o.onNotes ?? (() => {}) };
}

/**
 * Prunes a float model (float32 or FP16 weights) and returns the bytes of a
 * standard `.tflite` file, which TFLite, LiteRT and xnnlite run. Pruning
 * without retraining costs accuracy: measure it with `optimizationReport()`.
 *
 * @throws {TypeError} for bad options, or a model without float filters to prune.
 * @throws {RangeError} for a sparsity outside [0, 1).
 * @example
 * const bytes = await prune('model.tflite', { sparsity: 0.5 });
 * fs.writeFileSync('model_pruned.tflite', bytes);
 */
export async function prune(source: ModelSource, options: PruneOptions): Promise<Uint8Array> {
  const o = checkPruneOptions(options);
  return editModel(source, (model) => {
    o.onNotes(o.structured ? pruneChannels(model, o.sparsity) : pruneWeights(model, o.sparsity, o.scope));
  });
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Zeroes the `sparsity` fraction of smallest-magnitude weights, per filter or over all filters; returns notes. */
export function pruneWeights(model: ModelEdit, sparsity: number, scope: 'layer' | 'global'): string[] {
  const { weights, skipped } = findWeights(model);
  if (weights.length === 0) {
    throw new TypeError(`the model has no float32 or FP16 filters of CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED to prune${skipped.length ? ` (${skipped[0].name}: ${skipped[0].reason})` : ''}`);
  }
  if (scope === 'global') {
    const total = weights.reduce((n, w) => n + w.constant.values.length, 0);
    const magnitudes = new Float32Array(total);
    let at = 0;
    for (const w of weights) for (const v of w.constant.values) magnitudes[at++] = Math.abs(v);
    zeroSmallest(weights.map((w) => w.constant.values), magnitudes, Math.round(sparsity * total));
  } else {
    for (const w of weights) zeroSmallest([w.constant.values], Float32Array.from(w.constant.values, Math.abs), Math.round(sparsity * w.constant.values.length));
  }
  let zeros = 0;
  let total = 0;
  let sparse = 0;
  for (const w of weights) {
    for (const v of w.constant.values) if (v === 0) zeros++;
    total += w.constant.values.length;
    if (model.store(w.constant, w.constant.values, w.constant.shape, 'smaller')) sparse++;
  }
  return [
    `pruned ${weights.length} filter(s) (${scope === 'global' ? 'ranked together' : 'each'}) to ${percent(zeros / total)} zeros; `
      + `${sparse} stored in the sparse format, ${weights.length - sparse} dense (the sparse format would not be smaller)`,
    ...notesOnSkipped(skipped),
  ];
}

export function notesOnSkipped(skipped: { name: string; reason: string }[]): string[] {
  return skipped.map((s) => `left ${s.name} alone: ${s.reason}`);
}

/**
 * Zeroes exactly `count` values of `arrays` (read as one sequence), those of
 * smallest magnitude; among equal magnitudes, the first. `magnitudes` holds
 * |value| of the sequence and is sorted in place.
 */
function zeroSmallest(arrays: Float32Array[], magnitudes: Float32Array, count: number): void {
  if (count <= 0) return;
  magnitudes.sort();
  const threshold = magnitudes[count - 1];
  let below = 0;
  while (below < count && magnitudes[below] < threshold) below++;
  let ties = count - below;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const m = Math.abs(values[i]);
      if (m < threshold) values[i] = 0;
      else if (m === threshold && ties > 0) {
        values[i] = 0;
        ties--;
      }
    }
  }
}
