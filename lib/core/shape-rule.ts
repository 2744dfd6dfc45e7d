import type { Node } from './node';
import type { StaticValues } from './static-values';

/**
 * An operator's output shapes, computed as TFLite's Prepare computes them:
 * from its inputs' current shapes (`node.in(k).shape`), its options and its
 * constant operands' values (through `statics`), never from the shapes the
 * file declares for its outputs. Returns one shape per output, or why these
 * input shapes are not valid for the operator ("input 0 rank (got 3,
 * expected 4)"; "output shape depends on the run-time values of input 1").
 *
 * Sessions use it to run a model at other input shapes than the file
 * declares (`createSession({ inputShapes })`, `session.resize()`).
 */
export type ShapeRule = (node: Node, statics: StaticValues) => number[][] | string;
