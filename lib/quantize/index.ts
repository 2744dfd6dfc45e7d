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
import { calibrate, INT16X8, INT8, quantizeToInteger, type CalibrationRecord } from './full-integer';
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
  /** `int8` and `int16x8`: called after each calibration record with the count done. */
  onProgress?: (done: number) => void;
}

/**
 * Reads a model with every weight as float32: FP16 weights behind DEQUANTIZE
 * and sparse weights behind DENSIFY (as the MediaPipe models store them) are
 * folded, so that passes see plain float32 constants.
 *
 * @throws {TypeError} for a model with integer-quantized tensors (int8, uint8, int16).
 */
export function floatSpec(bytes: Uint8Array): ModelSpec {
  const model = readModel(bytes);
  const sg = model.subgraphs[0];
  const statics = new StaticValues(sg, 0, foldOf);
  const spec = toSpec(model);
  const target = spec.subgraphs[0];
  target.operators = target.operators.filter((_, k) => {
    const op = sg.operators[k];
    if (!statics.isFolded(op.index)) return true;
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
  return compact(spec);
}

/**
 * Quantizes a float model and returns the bytes of a standard `.tflite`
 * file, which TFLite, LiteRT and xnnlite run.
 *
 * @throws {TypeError} for an unknown mode.
 * @throws {UnsupportedOpError} for a model the quantizer cannot rewrite (several subgraphs, unknown options).
 * @example
 * const bytes = await quantize('model.tflite', { mode: 'dynamic-int8' });
 * fs.writeFileSync('model_int8.tflite', bytes);
 */
export async function quantize(source: ModelSource, options: QuantizeOptions): Promise<Uint8Array> {
  const o = checkOptions<QuantizeOptions>(options, 'options', ['mode', 'calibration', 'ioType', 'perChannel', 'activationRange', 'onProgress']);
  if (o.mode !== 'float16' && o.mode !== 'dynamic-int8' && o.mode !== 'int8' && o.mode !== 'int16x8') {
    throw invalid("'float16', 'dynamic-int8', 'int8' or 'int16x8'", 'options.mode', o.mode);
  }
  const calibrated = o.mode === 'int8' || o.mode === 'int16x8';
  if (calibrated) {
    const c = o.calibration as unknown as Record<symbol, unknown> | undefined;
    if (c === null || typeof c !== 'object' || (typeof c[Symbol.iterator] !== 'function' && typeof c[Symbol.asyncIterator] !== 'function')) {
      throw invalid(`an iterable of input records (mode ${o.mode} calibrates on a representative dataset)`, 'options.calibration', o.calibration);
    }
    if (o.mode === 'int16x8' && o.ioType !== undefined && o.ioType !== 'float32') throw invalid("'float32' (int16x8 models take and give float32)", 'options.ioType', o.ioType);
    if (o.ioType !== undefined && o.ioType !== 'float32' && o.ioType !== 'int8' && o.ioType !== 'uint8') throw invalid("'float32', 'int8' or 'uint8'", 'options.ioType', o.ioType);
    checkRangeMethod(o.activationRange);
    if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('a function', 'options.onProgress', o.onProgress);
  } else {
    for (const key of ['calibration', 'ioType', 'activationRange', 'onProgress'] as const) {
      if (o[key] !== undefined) throw new TypeError(`options.${key} applies to modes 'int8' and 'int16x8' only, not '${o.mode}'`);
    }
  }
  if (o.perChannel !== undefined && typeof o.perChannel !== 'boolean') throw invalid('a boolean', 'options.perChannel', o.perChannel);
  if (o.perChannel !== undefined && o.mode === 'float16') throw new TypeError("options.perChannel applies to modes 'int8', 'int16x8' and 'dynamic-int8', not 'float16'");
  const perChannel = o.perChannel ?? true;
  const { bytes, mapping } = await loadBytes(source);
  try {
    const spec = floatSpec(bytes);
    if (calibrated) {
      const scheme = o.mode === 'int8' ? INT8 : INT16X8;
      const ranges = await calibrate(spec, o.calibration!, o.activationRange ?? 'minmax', o.onProgress);
      const { spec: quantized, leftFloat } = quantizeToInteger(spec, ranges, { scheme, ioType: o.ioType ?? 'float32', perChannel });
      if (leftFloat.length > 0) {
        process.emitWarning(`${scheme.name} quantization left ${leftFloat.length} operator(s) in float, with conversions around them: `
          + `${leftFloat.map((f) => `${f.op} #${f.index} (${f.reason})`).join(', ')}`, { code: 'XNNLITE_QUANTIZE' });
      }
      return writeModel(quantized);
    }
    const quantized = o.mode === 'float16' ? storeConstantsAsFloat16(spec) : quantizeWeightsToInt8(spec, perChannel);
    return writeModel(compact(quantized));
  } finally {
    mapping?.close();
  }
}

function checkRangeMethod(method: unknown): void {
  if (method === undefined || method === 'minmax') return;
  const p = (method as { percentile?: unknown } | null)?.percentile;
  if (isPlainObject(method) && Object.keys(method).length === 1 && typeof p === 'number' && p > 50 && p <= 100) return;
  throw invalid("'minmax' or { percentile: p } with 50 < p <= 100", 'options.activationRange', method);
}
