// SLICE and STRIDED_SLICE with unit strides (what XNNPACK has). Masks for
// begin, end and shrinking axes are applied here; ellipsis and new axes are not supported.
import { BuiltinOptions } from '../../model/schema';
import { arity, constant, first, rankAtMost, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';
import { stridedSliceMasks } from '../../core/operators/slice';

interface Window {
  offsets: number[];
  sizes: number[];
}

function clampIndex(i: number, dim: number): number {
  const v = i < 0 ? i + dim : i;
  return Math.min(Math.max(v, 0), dim);
}

function sliceWindow(node: Node, statics: StaticValues): Window | string {
  const shape = node.in(0).shape;
  const begin = statics.integers(node.in(1));
  const size = statics.integers(node.in(2));
  if (!begin || !size || begin.length !== shape.length || size.length !== shape.length) {
    return `begin and size (got ${begin?.length ?? 'none'} and ${size?.length ?? 'none'} values, expected ${shape.length} each)`;
  }
  const offsets: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const b = begin[i];
    const s = size[i] === -1 ? shape[i] - b : size[i];
    if (!(b >= 0 && s >= 0 && b + s <= shape[i])) return `slice along axis ${i} (got begin ${b} and size ${size[i]}, expected a window inside 0..${shape[i]})`;
    offsets.push(b);
    sizes.push(s);
  }
  return { offsets, sizes };
}

function stridedWindow(node: Node, statics: StaticValues): Window | string {
  const shape = node.in(0).shape;
  const begin = statics.integers(node.in(1));
  const end = statics.integers(node.in(2));
  const strides = statics.integers(node.in(3));
  const o = stridedSliceMasks(node);
  if (o.ellipsisMask) return `ellipsis_mask (got ${o.ellipsisMask}, expected 0)`;
  if (o.newAxisMask) return `new_axis_mask (got ${o.newAxisMask}, expected 0)`;
  if (o.offset) return 'offset (got true, expected false)';
  if (!begin || !end || !strides || begin.length !== shape.length || end.length !== shape.length || strides.length !== shape.length) {
    return `begin, end and strides (expected ${shape.length} values each)`;
  }
  if (strides.some((s) => s !== 1)) return `strides (got [${strides}], expected all 1: XNNPACK slices with unit strides only)`;
  const offsets: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const b = o.beginMask & (1 << i) ? 0 : clampIndex(begin[i], shape[i]);
    let e = o.endMask & (1 << i) ? shape[i] : clampIndex(end[i], shape[i]);
    if (o.shrinkAxisMask & (1 << i)) {
      if (!(b < shape[i])) return `shrunk axis ${i} (got begin ${begin[i]}, expected an index inside ${shape[i]})`;
      e = b + 1;
    }
    offsets.push(b);
    sizes.push(Math.max(e - b, 0));
  }
  return { offsets, sizes };
}

function window(node: Node, statics: StaticValues): Window | string {
  return node.op === 'SLICE' ? sliceWindow(node, statics) : stridedWindow(node, statics);
}

function check(node: Node, statics: StaticValues): Reason {
  const strided = node.op === 'STRIDED_SLICE';
  return first(
    () => (strided ? arity(node, 4, 4, 1) : arity(node, 3, 3, 1)),
    () => (strided && node.options && node.def.optionsType !== BuiltinOptions.StridedSliceOptions
      ? `options type (got ${node.def.optionsType}, expected StridedSliceOptions)` : undefined),
    () => operandTypes(node, statics, { activations: [0], quantized: true }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => constant(node.in(1), 'begin', statics),
    () => constant(node.in(2), strided ? 'end' : 'size', statics),
    () => (strided ? constant(node.in(3), 'strides', statics) : undefined),
    () => {
      const w = window(node, statics);
      if (typeof w === 'string') return w;
      if (w.sizes.some((s) => s === 0)) return `slice size (got [${w.sizes}], expected no empty dimension)`;
      const count = w.sizes.reduce((a, b) => a * b, 1);
      const out = node.output(0).shape.reduce((a, b) => a * b, 1);
      return count === out ? undefined : `output shape (got [${node.output(0).shape}], expected ${count} elements from sizes [${w.sizes}])`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const w = window(node, g.statics) as Window;
  const output = node.output(0);
  if (w.sizes.join() === output.shape.join()) {
    g.subgraph.defineStaticSlice(w.offsets, w.sizes, g.value(node.in(0)), g.value(output), 0);
    return;
  }
  const temp = g.internal(w.sizes, output);
  g.subgraph.defineStaticSlice(w.offsets, w.sizes, g.value(node.in(0)), temp, 0);
  g.subgraph.defineStaticReshape(output.shape, temp, g.value(output), 0);
}

export const slice: XnnpackLowering = { check, lower };
