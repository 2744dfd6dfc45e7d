// RESHAPE/SQUEEZE/EXPAND_DIMS (a copy), PAD (filled with the zero point) and
// CONCATENATION on int16; TFLite's int16 kernels require one quantization
// for input(s) and output.
import { first } from '../../graph/checks';
import { normalizeAxis } from '../../graph/checks';
import type { Node } from '../../graph/node';
import { concatenation, concatenationOptions } from '../../graph/ops/concatenation';
import { pad, paddings } from '../../graph/ops/pad';
import { reshape } from '../../graph/ops/reshape';
import type { ReferenceFamily } from '../family';
import { elementsOf, quantOf, sameQuantization, type ProgramBuilder } from '../program-builder';

const INT16_BYTES = 2;

export const reshapeReference: ReferenceFamily = {
  ops: reshape.ops,
  check: (node, statics) => first(() => reshape.check(node, statics, 'int16x8'), () => sameQuantization(node)),
  encode: (b: ProgramBuilder, node: Node) => b.call(node, 'copy', [b.tensor(node.in(0))], [b.tensor(node.output(0))], [elementsOf(node.in(0).shape) * INT16_BYTES]),
};

export const padReference: ReferenceFamily = {
  ops: pad.ops,
  check: (node, statics) => first(() => pad.check(node, statics, 'int16x8'), () => sameQuantization(node)),
  encode: (b: ProgramBuilder, node: Node) => {
    const input = node.in(0).shape;
    const { pre } = paddings(node, b.statics)!;
    b.call(node, 'pad', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
      [INT16_BYTES, input.length, ...input, ...pre, ...node.output(0).shape, quantOf(node.output(0)).zeroPoint]);
  },
};

export const concatenationReference: ReferenceFamily = {
  ops: concatenation.ops,
  check: (node, statics) => first(
    () => concatenation.check(node, statics, 'int16x8'),
    () => node.def.inputs.map((_, k) => sameQuantization(node, k)).find((r) => r !== undefined),
  ),
  encode: (b: ProgramBuilder, node: Node) => {
    const out = node.output(0).shape;
    const axis = normalizeAxis(concatenationOptions(node).axis, out.length)!;
    const inputs = node.def.inputs.map((_, k) => node.in(k));
    b.call(node, 'concatenation', inputs.map((t) => b.tensor(t)), [b.tensor(node.output(0))],
      [INT16_BYTES, elementsOf(out.slice(0, axis)), elementsOf(out.slice(axis + 1)), inputs.length, ...inputs.map((t) => t.shape[axis])]);
  },
};
