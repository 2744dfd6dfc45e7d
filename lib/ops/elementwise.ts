// Elementwise arithmetic, activations, math, comparison and logic.
import { ONE_ACTIVATION, TWO_ACTIVATIONS, type IntegerTreatment } from '../core/integer-treatment';
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
  ADD: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS },
  SUB: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS },
  MUL: { xnnpack: binary, reference: mathBinaryReference, int8: TWO_ACTIVATIONS, int16x8: TWO_ACTIVATIONS },
  MAXIMUM: { xnnpack: binary, reference: mathBinaryReference, int8: COMPARES_RAW },
  MINIMUM: { xnnpack: binary, reference: mathBinaryReference, int8: COMPARES_RAW },
  ...alike(['DIV', 'SQUARED_DIFFERENCE', 'POW'], { xnnpack: binary, reference: mathBinaryReference }),
  PRELU: { xnnpack: binary },
  ...alike(['FLOOR_DIV', 'FLOOR_MOD'], { reference: mathBinaryReference }),

  ...alike(['RELU', 'RELU6', 'RELU_N1_TO_1'], { xnnpack: unary, reference: activationReference, int8: ONE_ACTIVATION, int16x8: ONE_ACTIVATION }),
  LOGISTIC: { xnnpack: unary, reference: activationReference, int8: LOGISTIC_INT8, int16x8: UNIT_RANGE_INT16 },
  TANH: { xnnpack: unary, reference: activationReference, int8: TANH_INT8, int16x8: UNIT_RANGE_INT16 },
  ...alike(['LEAKY_RELU', 'HARD_SWISH'], { xnnpack: unary, int8: ONE_ACTIVATION }),
  ...alike(['ELU', 'EXP', 'LOG', 'SQRT', 'RSQRT', 'SIN', 'COS', 'FLOOR', 'CEIL', 'ROUND'], { xnnpack: unary }),
  ...alike(['SQUARE', 'ABS', 'NEG', 'SIGN', 'GELU'], { xnnpack: unary, reference: mathUnaryReference }),
  LOGICAL_NOT: { reference: mathUnaryReference },

  ...alike(['LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL', 'EQUAL', 'NOT_EQUAL', 'LOGICAL_AND', 'LOGICAL_OR'], { reference: comparisonReference }),
};
