/**
 * Chains of RESHAPE, SQUEEZE and EXPAND_DIMS collapsed into one RESHAPE: each
 * only relabels the same values, so the chain's result is its last shape.
 *
 * Precondition:
 * - two of these operators in a row, the first's output read by the second alone
 *   (once) and no graph output;
 * - the three tensors (first input, middle, last output) of one element type, with
 *   the same quantization, and the last output's shape fixed.
 *
 * Rewrite: RESHAPE(first input, the last output's shape) writing the last output.
 */
import type { OperatorDef, TensorDef } from '../../model/types';
import type { RewriteGraph } from '../graph';
import { fixedShape, recordOf, sameValues, type RewritePass, type RewriteRecord } from '../pass';

const NAME = 'collapse-reshapes';
const RESHAPES = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

function reshapeLike(op: OperatorDef | undefined): op is OperatorDef {
  return op !== undefined && RESHAPES.has(op.op) && op.inputs.length >= 1 && op.inputs[0] >= 0 && op.outputs.length === 1;
}

export const collapseReshapes: RewritePass = {
  name: NAME,
  description: 'RESHAPE/SQUEEZE/EXPAND_DIMS after RESHAPE/SQUEEZE/EXPAND_DIMS -> one RESHAPE',
  apply(graph: RewriteGraph): RewriteRecord[] {
    const records: RewriteRecord[] = [];
    for (const second of [...graph.operators]) {
      if (!reshapeLike(second) || !graph.operators.includes(second)) continue;
      const middle = second.inputs[0];
      const first = graph.producer(middle);
      if (!reshapeLike(first) || !graph.onlyFeeds(middle, second)) continue;
      const tensors: TensorDef[] = [graph.tensor(first.inputs[0]), graph.tensor(middle), graph.tensor(second.outputs[0])];
      if (!sameValues(graph, tensors[0], tensors[1]) || !sameValues(graph, tensors[1], tensors[2]) || !fixedShape(tensors[2])) continue;
      const output = tensors[2];
      const shape = graph.addConstant(`${output.name}/${NAME}/shape`, [output.shape.length], Int32Array.from(output.shape));
      records.push(recordOf(graph, NAME, [first, second]));
      graph.replace([first, second], [graph.operator('RESHAPE', [first.inputs[0], shape.index], [output.index])]);
    }
    return records;
  },
};
