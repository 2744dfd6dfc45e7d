// Elementwise arithmetic, activations, math, comparison and logic.
import { ONE_ACTIVATION, TWO_ACTIVATIONS, type IntegerTreatment } from '../core/integer-treatment';
import { broadcastBinary, sameAsInput } from '../core/shapes/elementwise';
import { activationReference } from '../reference/ops/activation';
import { comparisonReference } from '../reference/ops/comparison';
import { mathBinaryReference } from '../reference/ops/math-binary';
import { mathUnaryReference } from '../reference/ops/math-unary';
import { binary } from '../xnnpack/ops/binary';
import { unary } from '../xnnpack/ops/unary';
import { alike, type OpDescriptors } from './descriptor';

// MAXIMUM and MINIMUM compare raw integers: both inputs take the output's quantization.
const COMPARES_RAW: IntegerTreatment = { activations: [0, 1], output: 'shared' };
// TFLite fixes these outputs' quantization.
const LOGISTIC_INT8: IntegerTreatment = { activations: [0], output: { scale: 1 / 256, zeroPoint: -128 } };
const TANH_INT8: IntegerTreatment = { activations: [0], output: { scale: 1 / 128, zeroPoint: 0 } };
const UNIT_RANGE_INT16: IntegerTreatment = { activations: [0], output: { scale: 1 / 32768, zeroPoint: 0 } };

export const ELEMENTWISE_OPS: OpDescriptors = {
  ADD: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS, shape: broadcastBinary },
  SUB: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS, shape: broadcastBinary },
  MUL: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS, shape: broadcastBinary },
  MAXIMUM: { xnnpack: binary, reference: mathBinaryReference, int8: COMPARES_RAW, shape: broadcastBinary },
  MINIMUM: { xnnpack: binary, reference: mathBinaryReference, int8: COMPARES_RAW, shape: broadcastBinary },
  ...alike(['DIV', 'SQUARED_DIFFERENCE', 'POW'], { xnnpack: binary, reference: mathBinaryReference, shape: broadcastBinary }),
  PRELU: { xnnpack: binary, shape: broadcastBinary },
  ...alike(['FLOOR_DIV', 'FLOOR_MOD'], { reference: mathBinaryReference, shape: broadcastBinary }),

  ...alike(['RELU', 'RELU6', 'RELU_N1_TO_1'], { xnnpack: unary, reference: activationReference, int8: ONE_ACTIVATION, int16x8: ONE_ACTIVATION, shape: sameAsInput }),
  LOGISTIC: { xnnpack: unary, reference: activationReference, int8: LOGISTIC_INT8, int16x8: UNIT_RANGE_INT16, shape: sameAsInput },
  TANH: { xnnpack: unary, reference: activationReference, int8: TANH_INT8, int16x8: UNIT_RANGE_INT16, shape: sameAsInput },
  ...alike(['LEAKY_RELU', 'HARD_SWISH'], { xnnpack: unary, int8: ONE_ACTIVATION, shape: sameAsInput }),
  ...alike(['ELU', 'EXP', 'LOG', 'SQRT', 'RSQRT', 'SIN', 'COS', 'FLOOR', 'CEIL', 'ROUND'], { xnnpack: unary, shape: sameAsInput }),
  ...alike(['SQUARE', 'ABS', 'NEG', 'SIGN', 'GELU'], { xnnpack: unary, reference: mathUnaryReference, shape: sameAsInput }),
  LOGICAL_NOT: { reference: mathUnaryReference, shape: sameAsInput },

  ...alike(['LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR'], { reference: comparisonReference, shape: broadcastBinary }),
};
