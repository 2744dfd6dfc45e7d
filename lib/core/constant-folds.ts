// Operators that only transform a constant, folded into one at load (see StaticValues).
import { ModelFormatError } from '../errors';
import { densify } from '../model/sparsity';
import type { ConstantFold } from './static-values';

/** DENSIFY of a constant stored in TFLite's sparse format: a dense constant. */
export const densifySparseConstant: ConstantFold = {
  applies: 'a static sparse constant',
  fold(input, output, _source, where) {
    if (!input.sparsity || !input.data) return undefined;
    if (output.dtype !== input.dtype || output.shape.join() !== input.shape.join()) {
      throw new ModelFormatError(where, `densifies ${input.dtype} [${input.shape}] into ${output.dtype} [${output.shape}]`);
    }
    return { dtype: input.dtype, bytes: densify(input, where) };
  },
};

/**
 * DEQUANTIZE of an FP16 constant to float32: converted only when something
 * needs float32 values; weights that XNNPACK packs through the weight cache
 * may never need them (see lib/plan/lazy-weights.ts).
 */
export const dequantizeFloat16Constant: ConstantFold = {
  applies: 'a float16 constant',
  fold(_input, output, source) {
    if (output.dtype !== 'float32' || !source || source.dtype !== 'float16' || !source.bytes) return undefined;
    return { dtype: 'float32', float16: source.bytes };
  },
};
