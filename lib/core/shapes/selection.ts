// Shape rules of index, selection and generator operators.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { normalizeAxis } from '../checks';
import { constantIntegers } from '../constant-operands';
import type { Node } from '../node';
import { gatherAxes } from '../operators/gather';
import { nonzeroCount, rangeLength, scalarOf } from '../operators/generators';
import { topKOf } from '../operators/top-k';
import type { ShapeRule } from '../shape-rule';
import type { StaticValues } from '../static-values';
import { elementsOf, sameShape, single, type Shapes } from './common';

/** Why an output's size is only known once input `k` holds its values. */
export const dependsOnValues = (k: number, what: string): string => `output shape depends on the run-time values of input ${k} (${what})`;

/** GATHER: the input's dimensions before the axis, the indices' past batch_dims, then the input's after the axis. */
export const gatherShape: ShapeRule = (node: Node): Shapes => {
  const g = gatherAxes(node);
  return typeof g === 'string' ? g : [g.outputShape];
};

/** EMBEDDING_LOOKUP: one row of the table per lookup. */
export const embeddingLookupShape: ShapeRule = (node: Node): Shapes => {
  const [lookups, table] = [node.in(0).shape, node.in(1).shape];
  if (lookups.length !== 1) return `lookups rank (got ${lookups.length}, expected 1)`;
  if (table.length < 2) return `table rank (got ${table.length}, expected at least 2)`;
  return [[lookups[0], ...table.slice(1)]];
};

/** GATHER_ND: the indices' leading dimensions, then the params' dimensions past the index depth. */
export const gatherNdShape: ShapeRule = (node: Node): Shapes => {
  const [params, indices] = [node.in(0).shape, node.in(1).shape];
  if (params.length < 1 || indices.length < 1) return `params and indices ranks (got ${params.length} and ${indices.length}, expected at least 1)`;
  const depth = indices[indices.length - 1];
  if (depth > params.length) return `index depth (got ${depth} coordinates per index, expected at most the params rank ${params.length})`;
  return [[...indices.slice(0, -1), ...params.slice(depth)]];
};

/** SCATTER_ND: its constant shape (input 2), which the indices and updates must fit. */
export const scatterNdShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const shape = constantIntegers(node, 2, 'shape', statics, ['int32']);
  if (typeof shape === 'string') return shape;
  const [indices, updates] = [node.in(0).shape, node.in(1).shape];
  if (indices.length < 1) return 'indices rank (got 0, expected at least 1)';
  const depth = indices[indices.length - 1];
  if (depth > shape.length) return `index depth (got ${depth} coordinates per index, expected at most the output rank ${shape.length})`;
  const expected = [...indices.slice(0, -1), ...shape.slice(depth)];
  return sameShape(updates, expected) ? [shape] : `updates shape (got [${updates}], expected [${expected}] for indices [${indices}] into [${shape}])`;
};

/** ONE_HOT: the indices' shape with the constant depth inserted at the axis (-1: last). */
export const oneHotShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const depth = constantIntegers(node, 1, 'depth', statics, ['int32']);
  if (typeof depth === 'string') return depth;
  if (depth.length !== 1 || !(depth[0] >= 0)) return `depth (got [${depth}], expected one size >= 0)`;
  const indices = node.in(0).shape;
  const options = node.options && node.def.optionsType === BuiltinOptions.OneHotOptions ? node.options : undefined;
  const option = options?.scalar(OptionSlot.OneHot.axis, 'i32', 'axis') ?? 0;
  const axis = option === -1 ? indices.length : option;
  if (!(axis >= 0 && axis <= indices.length)) return `axis (got ${option}, expected -1 to ${indices.length})`;
  return [[...indices.slice(0, axis), depth[0], ...indices.slice(axis)]];
};

/** ARG_MAX and ARG_MIN: the input's shape without the constant axis. */
export const argMinMaxShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const raw = constantIntegers(node, 1, 'axis', statics);
  if (typeof raw === 'string') return raw;
  const input = node.in(0).shape;
  const axis = raw.length === 1 ? normalizeAxis(raw[0], input.length) : undefined;
  if (axis === undefined) return `axis (got [${raw}], expected one value from ${-input.length} to ${input.length - 1})`;
  return [input.filter((_, d) => d !== axis)];
};

/** TOPK_V2: values and indices, the input's shape with k in its last dimension. */
export const topKShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const input = node.in(0).shape;
  if (input.length < 1) return 'input rank (got 0, expected at least 1)';
  const k = topKOf(node, statics);
  if (k === undefined) return statics.isStatic(node.in(1)) ? 'k (got no int32 or int16 value, expected one)' : dependsOnValues(1, 'k');
  const size = input[input.length - 1];
  if (!(k >= 0 && k <= size)) return `k (got ${k}, expected 0 to ${size}, the size of the last dimension)`;
  const shape = [...input.slice(0, -1), k];
  return [shape, [...shape]];
};

/** SELECT (equal shapes, or a scalar or [first dimension] condition) and SELECT_V2 (all three broadcast). */
export const selectShape: ShapeRule = (node: Node): Shapes => {
  const [c, x, y] = [node.in(0).shape, node.in(1).shape, node.in(2).shape];
  const declared = node.output(0).shape;
  // TFLite keeps the output's own shape when every operand holds one element.
  if ([c, x, y, declared].every((s) => elementsOf(s) === 1)) return [[...declared]];
  if (sameShape(c, x) && sameShape(x, y)) return [[...x]];
  if (node.op === 'SELECT') {
    if (!sameShape(x, y)) return `input 2 shape (got [${y}], expected [${x}] like input 1)`;
    return c.length === 0 || (c.length === 1 && c[0] === x[0]) ? [[...x]] : `condition shape (got [${c}], expected [${x}], a scalar or [${x[0] ?? 1}])`;
  }
  const rank = Math.max(c.length, x.length, y.length);
  const out: number[] = [];
  for (let d = 0; d < rank; d++) {
    const dims = [c, x, y].map((s) => s[s.length - rank + d] ?? 1);
    const size = dims.find((v) => v !== 1) ?? 1;
    if (dims.some((v) => v !== 1 && v !== size)) return `shapes (got [${c}], [${x}] and [${y}], expected shapes that broadcast)`;
    out.push(size);
  }
  return out.length <= 8 ? [out] : `output rank (got ${out.length}, expected at most 8)`;
};

/** SHAPE: one value per dimension of the input. */
export const shapeOfShape: ShapeRule = (node: Node): Shapes => [[node.in(0).shape.length]];

/** FILL: its constant dims (input 0). */
export const fillShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const dims = constantIntegers(node, 0, 'dims', statics);
  if (typeof dims === 'string') return dims;
  return dims.every((d) => d >= 0) ? [dims] : `dims (got [${dims}], expected sizes >= 0)`;
};

/** RANGE: as many values as the constant start, limit and delta give. */
export const rangeShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const values = [0, 1, 2].map((k) => scalarOf(node.in(k), statics));
  const missing = values.findIndex((v) => v === undefined);
  if (missing >= 0) return dependsOnValues(missing, ['start', 'limit', 'delta'][missing]);
  const length = rangeLength(values[0]!, values[1]!, values[2]!);
  return typeof length === 'string' ? length : [[length]];
};

/** WHERE: the coordinates of the true elements of its condition, which must be a constant. */
export const whereShape: ShapeRule = (node: Node, statics: StaticValues): Shapes => {
  const condition = node.in(0);
  if (!statics.isStatic(condition) || !statics.get(condition)?.bytes) return dependsOnValues(0, 'the number of true elements');
  return single([nonzeroCount(condition, statics), condition.shape.length]);
};
