// Conversions between types, and operators folded into constants at load.
import { dequantizeFloat16Constant, densifySparseConstant } from '../core/constant-folds';
import { sameAsInput } from '../core/shapes/elementwise';
import { castReference } from '../reference/ops/cast';
import { quantizeReference } from '../reference/ops/quantize';
import { quantize } from '../xnnpack/ops/quantize';
import type { OpDescriptors } from './descriptor';

export const CONVERSION_OPS: OpDescriptors = {
  QUANTIZE: { xnnpack: quantize, reference: quantizeReference, shape: sameAsInput },
  DEQUANTIZE: { xnnpack: quantize, reference: quantizeReference, fold: dequantizeFloat16Constant, shape: sameAsInput },
  CAST: { reference: castReference, shape: sameAsInput },
  DENSIFY: { fold: densifySparseConstant },
};
