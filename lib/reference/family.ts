import type { Reason } from '../graph/checks';
import type { Node } from '../graph/node';
import type { StaticValues } from '../graph/static-values';
import type { ProgramBuilder } from './program-builder';

/**
 * One family of TFLite operators and how it runs on the reference kernels
 * (int16x8 graphs, which XNNPACK has no kernels for). `check` reuses the
 * XNNPACK family's structural checks with int16x8 operand rules; `encode`
 * turns the node into kernel calls.
 */
export interface ReferenceFamily {
  readonly ops: readonly string[];
  check(node: Node, statics: StaticValues): Reason;
  encode(b: ProgramBuilder, node: Node): void;
}
