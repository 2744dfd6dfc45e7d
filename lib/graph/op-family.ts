import type { IntegerTreatments } from '../core/integer-treatment';
import type { GraphBuilder } from './builder';
import type { OperandRules, Reason } from './checks';
import type { Node } from './node';
import type { StaticValues } from './static-values';

/**
 * One family of TFLite operators and how it runs on XNNPACK. `check` is pure
 * and complete: it returns why a node cannot run (or undefined), and it is
 * what `xnnlite inspect` reports. `lower` assumes `check` passed.
 */
export interface OpFamily {
  readonly ops: readonly string[];
  /** `rules`: which operand types to accept (XNNPACK's by default; the reference runner's int16x8). */
  check(node: Node, statics: StaticValues, rules?: OperandRules): Reason;
  lower(g: GraphBuilder, node: Node): void;
  /**
   * True when the family writes its output through GraphBuilder.withActivation,
   * so that a following RELU/RELU6/RELU_N1_TO_1 can become its output clamp.
   */
  clampsOutput?: boolean;
  /**
   * Inputs (by position) that XNNPACK only reads to pack, and only after a
   * weight-cache look-up misses: their float32 values can be produced lazily.
   */
  lazyWeightInputs?(node: Node): number[];
  /** Multiply-accumulates one inference of the node performs (omitted for families whose cost is negligible). */
  macs?(node: Node): number;
  /** How int8 quantization rewrites each operator XNNPACK runs in int8 (lib/core/integer-treatment.ts). */
  int8?: IntegerTreatments;
}
