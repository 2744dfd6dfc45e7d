/** Lowers a subgraph that runs on the reference kernels into a Program for native ReferenceRuntime. */
import { UnsupportedOpError } from '../errors';
import type { PlannedOp } from '../graph/partition';
import type { StaticValues } from '../graph/static-values';
import type { SubgraphDef, TensorDef } from '../model/types';
import { ProgramBuilder, type Program } from './program-builder';

/** Edge types the reference runtime takes, with the datatype numbers its externals report (informational). */
const EDGE_TYPES: Record<string, number> = { float32: 1, int8: 2, uint8: 3, int16: 16, int32: 17, int64: 18, bool: 19 };

export function buildProgram(subgraph: SubgraphDef, statics: StaticValues, plan: PlannedOp[]): Program {
  const b = new ProgramBuilder(statics);
  const edge = (t: TensorDef, side: 'input' | 'output') => {
    const dtype = statics.get(t)?.dtype ?? t.dtype;
    if (EDGE_TYPES[dtype] === undefined) throw new UnsupportedOpError('graph', -1, `${side} ${t.name}: ${dtype} (expected float32, int8, uint8, int16, int32, int64 or bool)`);
    if (side === 'output' && statics.isStatic(t)) throw new UnsupportedOpError('graph', -1, `output ${t.name} is a constant`);
    return { tensor: b.tensor(t), datatype: EDGE_TYPES[dtype], shape: [...t.shape] };
  };
  b.program.inputs = subgraph.inputs.map((i) => edge(subgraph.tensors[i], 'input'));
  for (const p of plan) {
    if (!p.folded) p.reference!.encode(b, p.node);
  }
  b.program.outputs = subgraph.outputs.map((i) => edge(subgraph.tensors[i], 'output'));
  return b.program;
}
