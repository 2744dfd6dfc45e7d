import type { IntegerTreatments } from '../core/integer-treatment';
import type { Reason } from '../graph/checks';
import type { Node } from '../graph/node';
import type { StaticValues } from '../graph/static-values';
import type { ProgramBuilder } from './program-builder';

/**
 * One family of TFLite operators and how it runs on the reference kernels
 * (operators and types XNNPACK does not run: int16 activations, index and
 * detection operators, ...). `check` is pure and complete; `encode` turns
 * the node into kernel calls.
 */
export interface ReferenceFamily {
  readonly ops: readonly string[];
  check(node: Node, statics: StaticValues): Reason;
  encode(b: ProgramBuilder, node: Node): void;
  /** How int16x8 quantization rewrites each operator these kernels run on int16 (lib/core/integer-treatment.ts). */
  int16x8?: IntegerTreatments;
}
