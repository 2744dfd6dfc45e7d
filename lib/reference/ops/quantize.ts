// QUANTIZE (float32 to int16, or between int16 scales) and DEQUANTIZE (int16
// to float32): the edges of an int16x8 graph.
import { arity, first, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import type { TensorDef } from '../../model/types';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, INT16_MAX, INT16_MIN, quantOf, type ProgramBuilder } from '../program-builder';

const dtypeOf = (t: TensorDef, statics: StaticValues) => statics.get(t)?.dtype ?? t.dtype;

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => (statics.isStatic(node.in(0)) ? 'input (got a constant, expected a tensor computed at run time)' : undefined),
    () => {
      const from = dtypeOf(node.in(0), statics);
      const to = dtypeOf(node.output(0), statics);
      const ok = node.op === 'DEQUANTIZE' ? from === 'int16' && to === 'float32' : (from === 'float32' || from === 'int16') && to === 'int16';
      if (!ok) return `types (got ${from} to ${to}, expected ${node.op === 'DEQUANTIZE' ? 'int16 to float32' : 'float32 or int16 to int16'} on the reference kernels)`;
      for (const t of [node.in(0), node.output(0)]) {
        if (dtypeOf(t, statics) === 'int16' && (!t.quantization || t.quantization.scale.length !== 1 || !(t.quantization.scale[0] > 0))) {
          return `int16 tensor ${t.name} (expected one positive scale)`;
        }
      }
      return elementsOf(node.in(0).shape) === elementsOf(node.output(0).shape) ? undefined : `output shape (got [${node.output(0).shape}], expected [${node.in(0).shape}])`;
    },
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const count = elementsOf(node.in(0).shape);
  const [x, y] = [node.in(0), node.output(0)];
  if (node.op === 'DEQUANTIZE') {
    b.call(node, 'dequantize_s16_f32', [b.tensor(x)], [b.tensor(y)], [count, quantOf(x).zeroPoint], [quantOf(x).scale]);
  } else if (dtypeOf(x, b.statics) === 'float32') {
    b.call(node, 'quantize_f32_s16', [b.tensor(x)], [b.tensor(y)], [count, quantOf(y).zeroPoint, INT16_MIN, INT16_MAX], [quantOf(y).scale]);
  } else {
    b.call(node, 'requantize_s16', [b.tensor(x)], [b.tensor(y)], [count, quantOf(x).zeroPoint, quantOf(y).zeroPoint, INT16_MIN, INT16_MAX],
      [quantOf(x).scale, quantOf(y).scale, -Infinity, Infinity]);
  }
}

export const quantizeReference: ReferenceEncoding = { check, encode };
