/**
 * Post-training quantization in Node, writing standard `.tflite` files.
 * Modes: `float16`, `dynamic-int8`, and full-integer `int8` and `int16x8`
 * calibrated on a representative dataset.
 */
import { checkOptions, invalid, isPlainObject } from '../args';
import { StaticValues } from '../core/static-values';
import { foldOf } from '../ops/registry';
import { loadBytes, type ModelSource } from '../model-source';
import { readModel } from '../model/reader';
import { writeModel, type ModelSpec } from '../model/writer';
import { calibrate, INT16X8, INT8, integerSupport, type CalibrationRecord, type IntegerScheme } from './full-integer';
import { mixedPrecision, type MixedPrecisionResult, type QuantizePhase } from './mixed-precision';
import type { RangeMethod } from './ranges';
import { compact, quantizeWeightsToInt8, storeConstantsAsFloat16 } from './passes';
import { toSpec } from './rewrite';

/** Options of `quantize()`. */
export interface QuantizeOptions {
  /**
   * `float16`: float32 constants stored as FP16 (about half the size; runs in float).
   * `dynamic-int8`: weights of convolutions and fully-connected layers stored as int8
   * per output channel, activations quantized at run time (about a quarter of the size).
   * `int8`: weights and activations int8, activation ranges from `calibration`.
   * `int16x8`: int16 activations (zero point 0) with int8 weights and int64
   * biases, for models int8 activations are too coarse for; XNNPACK has no
   * int16 kernels, so xnnlite runs these on its reference kernels (correct,
   * portable C++, much slower).
   * In `int8` and `int16x8`, an operator without an integer kernel stays
   * float between conversions; a warning with code XNNLITE_QUANTIZE names them.
   */
  mode: 'float16' | 'dynamic-int8' | 'int8' | 'int16x8';
  /**
   * `int8` and `int16x8`, required: representative inputs (a few hundred real samples
   * is typical), each a record of input name to Float32Array. The range every
   * activation takes on them sets its integer scale (and, for int8, zero point).
   */
  calibration?: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord>;
  /**
   * `int8` only: type of the model's inputs and outputs. `float32` (default):
   * QUANTIZE/DEQUANTIZE at the edges; `int8`; `uint8` (zero point shifted by
   * 128, for callers that feed image bytes as they are).
   */
  ioType?: 'float32' | 'int8' | 'uint8';
  /**
   * `int8`, `int16x8` and `dynamic-int8`: one weight scale per output channel (default,
   * TFLite's default and more accurate), or `false` for one per tensor, as
   * older integer-only accelerators require.
   */
  perChannel?: boolean;
  /**
   * `int8` and `int16x8`: how calibration sets an activation's range. `'minmax'`
   * (default) covers every value seen; `{ percentile: 99.99 }` clips the rarest
   * values at both ends, which helps when a few outliers would otherwise
   * stretch the integer grid over mostly empty range.
   */
  activationRange?: RangeMethod;
  /**
   * `int8` and `int16x8`: called as work is done: after each calibration
   * record (`total` is known when `calibration` is an array) and, with
   * `maxError`, after each operator's sensitivity and each round of the search.
   */
  onProgress?: (done: number, total: number | undefined, phase: QuantizePhase) => void;
}

/**
 * Options of `quantize()` for a mixed-precision model: `int8` or `int16x8`
 * with some operators at a higher precision. quantize() then returns a
 * MixedPrecisionResult rather than the bytes alone.
 */
export interface MixedPrecisionOptions extends QuantizeOptions {
  mode: 'int8' | 'int16x8';
  /**
   * An error budget: the most sensitive operators are kept at a higher
   * precision (float for `int8`; int16x8, the rest int8, for `int16x8`)
   * until the model's error on held-out samples is at most `maxError`.
   * The error, for each output, is max |quantized - float| over every
   * element of every held-out sample divided by the output's largest |float|
   * value over those samples (0.02: 2% of the output's magnitude), and the
   * model's error is the largest over its outputs: the `relative` error of
   * optimizationReport(). A budget that cannot be met is no exception:
   * `result.budget.met` is false and the model returned is the most
   * accurate one tried (every candidate promoted).
   */
  maxError?: number;
  /**
   * With `maxError`: the samples the error is measured on (records like
   * `calibration`'s, none of them in it). Default: the last 10% of the
   * calibration records (at least 1, at most 32), which are then not used
   * to calibrate.
   */
  heldOut?: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord>;
  /**
   * Operators (indices in the given model, as `xnnlite inspect` numbers
   * them) kept float, behind QUANTIZE/DEQUANTIZE. Each must be one the
   * mode quantizes.
   */
  keepFloat?: number[];
}

const MIXED_KEYS = ['maxError', 'heldOut', 'keepFloat'] as const;

/**
 * Reads a model with every weight as float32: FP16 weights behind DEQUANTIZE
 * and sparse weights behind DENSIFY (as the MediaPipe models store them) are
 * folded, so that passes see plain float32 constants.
 *
 * @throws {TypeError} for a model with integer-quantized tensors (int8, uint8, int16).
 */
export function floatSpec(bytes: Uint8Array): ModelSpec {
  return readFloatModel(bytes).spec;
}

/**
 * floatSpec, with what relates its operators to the file's: `originalIndex[k]`
 * is the index in the file of the spec's operator `k`, and `originalOps` the
 * file's operators (folded ones included).
 */
export function readFloatModel(bytes: Uint8Array): { spec: ModelSpec; originalIndex: number[]; originalOps: string[] } {
  const model = readModel(bytes);
  const sg = model.subgraphs[0];
  const statics = new StaticValues(sg, 0, foldOf);
  const spec = toSpec(model);
  const target = spec.subgraphs[0];
  const originalIndex: number[] = [];
  target.operators = target.operators.filter((_, k) => {
    const op = sg.operators[k];
    if (!statics.isFolded(op.index)) {
      originalIndex.push(k);
      return true;
    }
    const out = sg.tensors[op.outputs[0]];
    const values = statics.float32(out);
    const data = values ?? statics.get(out)?.bytes;
    target.tensors[op.outputs[0]] = { ...target.tensors[op.outputs[0]], data: data ? Uint8Array.prototype.slice.call(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) : undefined };
    return false;
  });
  const quantized = compact(spec).subgraphs[0].tensors.find((t) => t.dtype === 'int8' || t.dtype === 'uint8' || t.dtype === 'int16');
  if (quantized) {
    throw new TypeError(`the model is already quantized (tensor "${quantized.name}" is ${quantized.dtype}); quantize its float original instead`);
  }
  return { spec: compact(spec), originalIndex, originalOps: sg.operators.map((op) => op.op) };
}

/**
 * Quantizes a float model and returns the bytes of a standard `.tflite`
 * file, which TFLite, LiteRT and xnnlite run.
 *
 * With `maxError` or `keepFloat` (modes `int8` and `int16x8`), returns a
 * MixedPrecisionResult: the bytes, the operators kept at a higher
 * precision with their sensitivity, and how the budget went.
 *
 * @throws {TypeError} for an unknown mode, `maxError` without calibration data, or a `keepFloat` index of an operator the mode does not quantize.
 * @throws {RangeError} for `maxError` <= 0, a `keepFloat` index outside the model, or a budget without held-out samples (fewer than 2 calibration records and no `heldOut`).
 * @throws {UnsupportedOpError} for a model the quantizer cannot rewrite (several subgraphs, unknown options).
 * @example
 * const bytes = await quantize('model.tflite', { mode: 'dynamic-int8' });
 * fs.writeFileSync('model_int8.tflite', bytes);
 * const mixed = await quantize('model.tflite', { mode: 'int8', calibration, maxError: 0.02 });
 * if (mixed.budget?.met) fs.writeFileSync('model_mixed.tflite', mixed.bytes);
 */
export async function quantize(source: ModelSource, options: MixedPrecisionOptions & ({ maxError: number } | { keepFloat: number[] })): Promise<MixedPrecisionResult>;
export async function quantize(source: ModelSource, options: QuantizeOptions): Promise<Uint8Array>;
export async function quantize(source: ModelSource, options: QuantizeOptions | MixedPrecisionOptions): Promise<Uint8Array | MixedPrecisionResult> {
  const o = checkOptions<Omit<MixedPrecisionOptions, 'mode'> & Pick<QuantizeOptions, 'mode'>>(options, 'options', ['mode', 'calibration', 'ioType', 'perChannel', 'activationRange', 'onProgress', ...MIXED_KEYS]);
  if (o.mode !== 'float16' && o.mode !== 'dynamic-int8' && o.mode !== 'int8' && o.mode !== 'int16x8') {
    throw invalid("'float16', 'dynamic-int8', 'int8' or 'int16x8'", 'options.mode', o.mode);
  }
  const calibrated = o.mode === 'int8' || o.mode === 'int16x8';
  const mixed = o.maxError !== undefined || o.keepFloat !== undefined;
  if (calibrated) {
    if (!isIterable(o.calibration)) {
      const why = o.maxError !== undefined ? ', and maxError measures on held-out samples' : '';
      throw invalid(`an iterable of input records (mode ${o.mode} calibrates on a representative dataset${why})`, 'options.calibration', o.calibration);
    }
    if (o.maxError !== undefined && !(typeof o.maxError === 'number' && o.maxError > 0 && Number.isFinite(o.maxError))) {
      throw typeof o.maxError === 'number' ? new RangeError(`Expected a finite number above 0 for options.maxError but received ${o.maxError}`) : invalid('a number above 0', 'options.maxError', o.maxError);
    }
    if (o.heldOut !== undefined) {
      if (o.maxError === undefined) throw new TypeError('options.heldOut applies with options.maxError only (it is what the error budget is measured on)');
      if (!isIterable(o.heldOut)) throw invalid('an iterable of input records', 'options.heldOut', o.heldOut);
    }
    if (o.keepFloat !== undefined && !(Array.isArray(o.keepFloat) && o.keepFloat.every((k) => Number.isInteger(k)))) {
      throw invalid('an array of operator indices', 'options.keepFloat', o.keepFloat);
    }
    if (o.mode === 'int16x8' && o.ioType !== undefined && o.ioType !== 'float32') throw invalid("'float32' (int16x8 models take and give float32)", 'options.ioType', o.ioType);
    if (o.ioType !== undefined && o.ioType !== 'float32' && o.ioType !== 'int8' && o.ioType !== 'uint8') throw invalid("'float32', 'int8' or 'uint8'", 'options.ioType', o.ioType);
    checkRangeMethod(o.activationRange);
    if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('a function', 'options.onProgress', o.onProgress);
  } else {
    for (const key of ['calibration', 'ioType', 'activationRange', 'onProgress', ...MIXED_KEYS] as const) {
      if (o[key] !== undefined) throw new TypeError(`options.${key} applies to modes 'int8' and 'int16x8' only, not '${o.mode}'`);
    }
  }
  if (o.perChannel !== undefined && typeof o.perChannel !== 'boolean') throw invalid('a boolean', 'options.perChannel', o.perChannel);
  if (o.perChannel !== undefined && o.mode === 'float16') throw new TypeError("options.perChannel applies to modes 'int8', 'int16x8' and 'dynamic-int8', not 'float16'");
  const perChannel = o.perChannel ?? true;
  const { bytes, mapping } = await loadBytes(source);
  try {
    const { spec, originalIndex, originalOps } = readFloatModel(bytes);
    if (calibrated) {
      const scheme = o.mode === 'int8' ? INT8 : INT16X8;
      const keepFloat = o.keepFloat ? specIndices(o.keepFloat, spec, scheme, originalIndex, originalOps) : new Set<number>();
      let calibration = o.calibration!;
      let heldOut: CalibrationRecord[] | undefined;
      if (o.maxError !== undefined) ({ calibration, heldOut } = await splitHeldOut(o.calibration!, o.heldOut));
      const progress = o.onProgress;
      const calibrationCount = Array.isArray(calibration) ? calibration.length : undefined;
      const ranges = await calibrate(spec, calibration, o.activationRange ?? 'minmax', progress && ((done) => progress(done, calibrationCount, 'calibrating')));
      const result = await mixedPrecision({
        spec, ranges, mode: scheme.name, ioType: o.ioType ?? 'float32', perChannel, keepFloat, originalIndex,
        ...(heldOut ? { budget: { floatModel: bytes, heldOut, maxError: o.maxError! } } : {}),
        ...(progress ? { onProgress: progress } : {}),
      });
      const { leftFloat } = result;
      if (leftFloat.length > 0) {
        process.emitWarning(`${scheme.name} quantization left ${leftFloat.length} operator(s) in float, with conversions around them: `
          + `${leftFloat.map((f) => `${f.op} #${f.index} (${f.reason})`).join(', ')}`, { code: 'XNNLITE_QUANTIZE' });
      }
      return mixed ? result : result.bytes;
    }
    const quantized = o.mode === 'float16' ? storeConstantsAsFloat16(spec) : quantizeWeightsToInt8(spec, perChannel);
    return writeModel(compact(quantized));
  } finally {
    mapping?.close();
  }
}

const isIterable = (value: unknown): boolean => {
  const v = value as Record<symbol, unknown> | null | undefined;
  return v !== null && typeof v === 'object' && (typeof v[Symbol.iterator] === 'function' || typeof v[Symbol.asyncIterator] === 'function');
};

/** `keepFloat` (indices in the file) as indices in the float spec, each an operator `scheme` quantizes. */
function specIndices(keepFloat: number[], spec: ModelSpec, scheme: IntegerScheme, originalIndex: number[], originalOps: string[]): Set<number> {
  const sg = spec.subgraphs[0];
  const out = new Set<number>();
  for (const index of keepFloat) {
    if (index < 0 || index >= originalOps.length) throw new RangeError(`Expected operator indices from 0 to ${originalOps.length - 1} in options.keepFloat but received ${index}`);
    const k = originalIndex.indexOf(index);
    const support = k < 0 ? undefined : integerSupport(sg.operators[k], sg.tensors, scheme);
    if (!support || !('rule' in support)) {
      const why = k < 0 ? 'folded into a constant when the model is read' : support ? support.reason : 'it computes no float activation';
      throw new TypeError(`options.keepFloat: operator #${index} (${originalOps[index]}) is not one ${scheme.name} quantization quantizes (${why})`);
    }
    out.add(k);
  }
  return out;
}

/** The calibration and held-out records under a budget: `heldOut` as given, or the last 10% of the calibration records (1 to 32). */
async function splitHeldOut(calibration: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord>, heldOut: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord> | undefined):
  Promise<{ calibration: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord>; heldOut: CalibrationRecord[] }> {
  const collect = async (records: Iterable<CalibrationRecord> | AsyncIterable<CalibrationRecord>) => {
    const all: CalibrationRecord[] = [];
    for await (const r of records) all.push(r);
    return all;
  };
  if (heldOut !== undefined) {
    const held = await collect(heldOut);
    if (held.length === 0) throw new RangeError('options.heldOut is empty: maxError needs at least one held-out sample');
    return { calibration, heldOut: held };
  }
  const all = await collect(calibration);
  if (all.length < 2) throw new RangeError(`maxError needs held-out samples: give options.heldOut, or at least 2 calibration records to split (got ${all.length})`);
  const count = Math.min(32, Math.max(1, Math.round(all.length / 10)));
  return { calibration: all.slice(0, all.length - count), heldOut: all.slice(all.length - count) };
}

function checkRangeMethod(method: unknown): void {
  if (method === undefined || method === 'minmax') return;
  const p = (method as { percentile?: unknown } | null)?.percentile;
  if (isPlainObject(method) && Object.keys(method).length === 1 && typeof p === 'number' && p > 50 && p <= 100) return;
  throw invalid("'minmax' or { percentile: p } with 50 < p <= 100", 'options.activationRange', method);
}
