import type { Reason } from '../core/checks';
import type { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';
import type { GraphBuilder } from './builder';
import type { Precision } from './dynamic-quantization';

/**
 * How a family of operators runs on XNNPACK (which operators use it is
 * their descriptors' business: lib/ops). `check` is pure and complete: it
 * returns why a node cannot run here (or undefined), and it is what
 * `xnnlite inspect` reports. `lower` assumes `check` passed.
 */
export interface XnnpackLowering {
  check(node: Node, statics: StaticValues): Reason;
  lower(g: GraphBuilder, node: Node): void;
  /**
   * True when the family writes its output through GraphBuilder.withActivation,
   * so that a following RELU/RELU6/RELU_N1_TO_1 can become its output clamp.
   */
  clampsOutput?: boolean;
  /**
   * Inputs (by position) that XNNPACK only reads to pack, and only after a
   * weight-cache look-up naming them misses: their float32 values can be
   * produced lazily. `precision` is the session's (the kernels, and so what
   * they read, can depend on it).
   */
  lazyWeightInputs?(node: Node, statics: StaticValues, precision: Precision): number[];
  /** Multiply-accumulates one inference of the node performs (omitted for families whose cost is negligible). */
  macs?(node: Node): number;
}
