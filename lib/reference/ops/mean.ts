// MEAN over adjacent axes of an int16 tensor (e.g. H and W of NHWC: global average pooling).
import { first } from '../../core/checks';
import type { Node } from '../../core/node';
import { meanAxes, checkMean } from '../../core/operators/mean';
import type { StaticValues } from '../../core/static-values';
import type { ReferenceEncoding } from '../encoding';
import { int16x8Operands } from '../int16x8-operands';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

function blocks(node: Node, statics: StaticValues): [number, number, number] {
  const axes = meanAxes(node, statics)!;
  const shape = node.in(0).shape;
  return [elementsOf(shape.slice(0, axes[0])), elementsOf(axes.map((a) => shape[a])), elementsOf(shape.slice(axes[axes.length - 1] + 1))];
}

function encode(b: ProgramBuilder, node: Node): void {
  const [x, y] = [quantOf(node.in(0)), quantOf(node.output(0))];
  b.call(node, 'mean_s16', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [...blocks(node, b.statics), x.zeroPoint, y.zeroPoint, INT16_MIN, INT16_MAX], [x.scale / y.scale]);
}

export const meanReference: ReferenceEncoding = {
  check: (node, statics) => first(
    () => checkMean(node, statics, int16x8Operands(node, statics)),
    () => {
      const axes = meanAxes(node, statics)!;
      return axes.every((a, k) => k === 0 || a === axes[k - 1] + 1) ? undefined : `axes (got [${axes}], expected adjacent axes on the reference kernels)`;
    },
  ),
  encode,
};
