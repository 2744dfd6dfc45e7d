/**
 * Checks the operators that xnnlite folds into constants at load
 * (lib/core/static-values.ts): DENSIFY and DEQUANTIZE of a constant. The
 * output tensor takes the input's values, so its shape must hold exactly as
 * many values as the input stores; otherwise a constant shorter than its
 * tensor would reach XNNPACK.
 */
import { ModelFormatError } from '../errors';
import { elementCount } from './element-count';
import { DTYPE_BYTES } from './schema';
import type { SubgraphDef, TensorDef } from './types';

const describe = (t: TensorDef) => `tensors[${t.index}] (${t.name})`;

/** Bytes of a constant's values: as stored for a dense constant, once densified otherwise. */
function valueBytes(t: TensorDef): number {
  return t.data && !t.sparsity ? t.data.length : elementCount(t.shape) * DTYPE_BYTES[t.dtype];
}

/** Runs after the dataflow check, so every operand index is in range. */
export function checkFoldedConstants(sg: SubgraphDef, s: number): void {
  const constant = new Set<number>();
  for (const t of sg.tensors) if (t.data) constant.add(t.index);
  for (const op of sg.operators) {
    if (op.op !== 'DENSIFY' && op.op !== 'DEQUANTIZE') continue;
    const [from] = op.inputs;
    const [to] = op.outputs;
    if (from === undefined || to === undefined || !constant.has(from)) continue;
    const input = sg.tensors[from];
    const output = sg.tensors[to];
    const where = `Model.subgraphs[${s}].operators[${op.index}] (${op.op})`;
    if (op.op === 'DENSIFY') {
      if (output.dtype !== input.dtype || output.shape.join() !== input.shape.join()) {
        throw new ModelFormatError(where, `densifies ${input.dtype} [${input.shape}] of ${describe(input)} into ${output.dtype} [${output.shape}] of ${describe(output)}`);
      }
    } else {
      const values = elementCount(input.shape);
      const needed = elementCount(output.shape);
      if (values !== needed) {
        throw new ModelFormatError(where, `${input.dtype} data of ${describe(input)} has ${valueBytes(input)} bytes (${values} values), but the DEQUANTIZE output ${describe(output)} of shape [${output.shape}] needs ${needed} values`);
      }
    }
    constant.add(to);
  }
}
