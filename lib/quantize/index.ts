/**
 * Post-training quantization in Node, writing standard `.tflite` files.
 * Modes available now: `float16` and `dynamic-int8`. Full-integer `int8`
 * and `int16x8` (with a calibration dataset) are not implemented yet.
 */
import { checkOptions, invalid } from '../args';
import { StaticValues } from '../graph/static-values';
import { loadBytes, type ModelSource } from '../model-source';
import { readModel } from '../model/reader';
import { writeModel, type ModelSpec } from '../model/writer';
import { compact, quantizeWeightsToInt8, storeConstantsAsFloat16 } from './passes';
import { toSpec } from './rewrite';

/** Options of `quantize()`. */
export interface QuantizeOptions {
  /**
   * `float16`: float32 constants stored as FP16 (about half the size; runs in float).
   * `dynamic-int8`: weights of convolutions and fully-connected layers stored as int8
   * per output channel, activations quantized at run time (about a quarter of the size).
   */
  mode: 'float16' | 'dynamic-int8';
}

/**
 * Reads a model with every weight as float32: FP16 weights behind DEQUANTIZE
 * and sparse weights behind DENSIFY (as the MediaPipe models store them) are
 * folded, so that passes see plain float32 constants.
 */
export function floatSpec(bytes: Uint8Array): ModelSpec {
  const model = readModel(bytes);
  const sg = model.subgraphs[0];
  const statics = new StaticValues(sg, 0);
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
  const o = checkOptions<QuantizeOptions>(options, 'options', ['mode']);
  if (o.mode !== 'float16' && o.mode !== 'dynamic-int8') {
    throw invalid("'float16' or 'dynamic-int8' (full-integer int8 and int16x8 are not implemented yet)", 'options.mode', o.mode);
  }
  const { bytes, mapping } = await loadBytes(source);
  try {
    const spec = floatSpec(bytes);
    const quantized = o.mode === 'float16' ? storeConstantsAsFloat16(spec) : quantizeWeightsToInt8(spec);
    return writeModel(compact(quantized));
  } finally {
    mapping?.close();
  }
}
