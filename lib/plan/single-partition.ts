/**
 * The plan of one hand-built XNNPACK subgraph whose external value ids are
 * its inputs then its outputs: what the self-test (and tests of the
 * binding) run, without a model.
 */
import { native, type NativePlan, type NativeSubgraph } from '../native';
import { planArena } from './arena';

export interface PlanEdge {
  shape: number[];
  /** Bytes per element (4 for float32). */
  elementBytes: number;
}

export function singlePartitionPlan(subgraph: NativeSubgraph, inputs: PlanEdge[], outputs: PlanEdge[]): NativePlan {
  const edges = [...inputs, ...outputs];
  const bytes = edges.map((e) => e.shape.reduce((a, b) => a * b, 1) * e.elementBytes);
  const layout = planArena(bytes.map((b) => ({ bytes: b, first: 0, last: 0 })), native().constants.extraBytes);
  const edge = (e: PlanEdge, k: number) => ({ tensor: k, datatype: 0, shape: e.shape });
  return {
    arenaBytes: layout.bytes,
    tensors: bytes.map((b, k) => ({ bytes: b, offset: layout.offsets[k] })),
    inputs: inputs.map((e, k) => edge(e, k)),
    outputs: outputs.map((e, k) => edge(e, inputs.length + k)),
    steps: [{ subgraph, externals: edges.map((_, k) => k) }],
  };
}
