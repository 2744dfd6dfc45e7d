import type { Reason } from '../core/checks';
import type { Node } from '../core/node';
import type { StaticValues } from '../core/static-values';
import type { ProgramBuilder } from './program-builder';

/**
 * How a family of operators runs on the reference kernels (operators and
 * types XNNPACK does not run: int16 activations, index and detection
 * operators, ...); which operators use it is their descriptors' business
 * (lib/ops). `check` is pure and complete; `encode` turns the node into
 * kernel calls.
 */
export interface ReferenceEncoding {
  check(node: Node, statics: StaticValues): Reason;
  encode(b: ProgramBuilder, node: Node): void;
}
