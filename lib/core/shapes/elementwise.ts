// Shape rules of elementwise operators: one output of the input's shape, or
// of the inputs' numpy broadcast (TFLite's CalculateShapeForBroadcast).
import type { Node } from '../node';
import { broadcastShape } from '../operators/binary';
import type { ShapeRule } from '../shape-rule';

/** The output has input 0's shape (activations, math, conversions, normalizations). */
export const sameAsInput: ShapeRule = (node: Node) => [[...node.in(0).shape]];

/** The output has input 0's shape, which must have at least one dimension (softmax and normalizations over the last one). */
export const sameAsVectorInput: ShapeRule = (node: Node) => {
  const shape = node.in(0).shape;
  return shape.length >= 1 ? [[...shape]] : 'input rank (got 0, expected at least 1)';
};

/** The output has input 0's shape, of rank 4 (LOCAL_RESPONSE_NORMALIZATION). */
export const sameAsImageInput: ShapeRule = (node: Node) => {
  const shape = node.in(0).shape;
  return shape.length === 4 ? [[...shape]] : `input rank (got ${shape.length}, expected 4)`;
};

/** The two inputs broadcast: aligned from the right, each pair of dimensions equal or one of them 1. */
export const broadcastBinary: ShapeRule = (node: Node) => {
  const [a, b] = [node.in(0).shape, node.in(1).shape];
  const shape = broadcastShape(a, b);
  return shape ? [shape] : `input shapes (got [${a}] and [${b}], expected shapes that broadcast)`;
};
