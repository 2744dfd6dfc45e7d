/**
 * Operators that give back their input unchanged removed, their readers
 * reading the input instead: RESHAPE, SQUEEZE and EXPAND_DIMS to the same
 * shape, CAST to the same type, TRANSPOSE by the identity permutation, and
 * two TRANSPOSEs whose permutations cancel.
 *
 * Precondition:
 * - the operator's output (for a cancelling pair, the second's) is no graph output
 *   (removing its producer would change which tensor the caller reads);
 * - the input it gives back is no constant (some operators take activations only)
 *   and holds values of the output's element type and quantization, shapes fixed;
 * - RESHAPE/SQUEEZE/EXPAND_DIMS/CAST: output shape equal to the input's;
 *   TRANSPOSE: a constant permutation p with p[i] = i, or a TRANSPOSE by q reading
 *   a TRANSPOSE by p with p[q[i]] = i (the first stays for its other readers, if any).
 *
 * Rewrite: the output's readers read the input; the operator goes.
 */
import type { OperatorDef, TensorDef } from '../../model/types';
import type { RewriteGraph } from '../graph';
import { fixedShape, recordOf, sameShape, sameValues, type RewritePass, type RewriteRecord } from '../pass';

const NAME = 'remove-identities';
const SHAPE_OPS = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS', 'CAST']);

function permutation(graph: RewriteGraph, op: OperatorDef): number[] | undefined {
  if (op.op !== 'TRANSPOSE' || op.inputs.length !== 2 || op.outputs.length !== 1 || op.inputs.some((i) => i < 0)) return undefined;
  const perm = graph.tensor(op.inputs[1]);
  return graph.isConstant(perm) ? graph.integers(perm) : undefined;
}

/** The tensor `op` gives back unchanged, and the operators that go with it. */
function identity(graph: RewriteGraph, op: OperatorDef): { source: TensorDef; removed: OperatorDef[] } | undefined {
  if (op.outputs.length !== 1 || op.inputs.length < 1 || op.inputs[0] < 0) return undefined;
  const input = graph.tensor(op.inputs[0]);
  const output = graph.tensor(op.outputs[0]);
  if (SHAPE_OPS.has(op.op)) return sameShape(input.shape, output.shape) ? { source: input, removed: [op] } : undefined;
  const q = permutation(graph, op);
  if (!q) return undefined;
  if (q.every((v, i) => v === i)) return { source: input, removed: [op] };
  const before = graph.producer(input.index);
  const p = before ? permutation(graph, before) : undefined;
  if (!before || !p || p.length !== q.length || !q.every((v, i) => p[v] === i)) return undefined;
  return { source: graph.tensor(before.inputs[0]), removed: [before, op] };
}

export const removeIdentities: RewritePass = {
  name: NAME,
  description: 'RESHAPE/SQUEEZE/EXPAND_DIMS/CAST that change nothing, identity and cancelling TRANSPOSEs -> removed',
  apply(graph: RewriteGraph): RewriteRecord[] {
    const records: RewriteRecord[] = [];
    for (const op of [...graph.operators]) {
      if (!graph.operators.includes(op) || op.outputs.length !== 1 || graph.isGraphOutput(op.outputs[0])) continue;
      const found = identity(graph, op);
      const output = graph.tensor(op.outputs[0]);
      if (!found || graph.isConstant(found.source) || !sameValues(graph, found.source, output)) continue;
      if (!fixedShape(found.source) || !fixedShape(output) || !sameShape(found.source.shape, output.shape)) continue;
      records.push(recordOf(graph, NAME, found.removed));
      graph.rewire(output.index, found.source.index);
      graph.replace([op], []);
    }
    return records;
  },
};
