/**
 * Folds a standalone RELU, RELU6 or RELU_N1_TO_1 into the operator that
 * produces its input, when that operator can clamp its own output (its
 * lowering sets `clampsOutput`) and nothing else reads the intermediate tensor.
 * TFLite converters leave many such pairs (ADD then RELU); run separately
 * each costs a full pass over the tensor.
 */
import type { SubgraphDef, TensorDef } from '../model/types';
import type { OutputRedirects } from '../xnnpack/builder';
import type { PlacedOp } from './placement';

const CLAMPS: Record<string, [number, number]> = {
  RELU: [0, Infinity],
  RELU6: [0, 6],
  RELU_N1_TO_1: [-1, 1],
};

export interface ActivationFusion {
  /** Producer output tensor -> the tensor it now writes directly, and the extra clamp. */
  redirect: OutputRedirects & Map<number, { into: TensorDef; min: number; max: number }>;
  /** Operators (the standalone activations) that no longer run. */
  removed: Set<number>;
}

/** Only operators on XNNPACK fuse: both the activation and its producer run there. */
export function planActivationFusion(plan: readonly PlacedOp[], subgraph: SubgraphDef): ActivationFusion {
  const readers = new Map<number, number>();
  for (const p of plan) for (const i of p.node.def.inputs) if (i >= 0) readers.set(i, (readers.get(i) ?? 0) + 1);
  const graphOutputs = new Set(subgraph.outputs);
  const producer = new Map<number, PlacedOp>();
  for (const p of plan) for (const o of p.node.def.outputs) producer.set(o, p);

  const fusion: ActivationFusion = { redirect: new Map(), removed: new Set() };
  for (const p of plan) {
    const clamp = CLAMPS[p.node.op];
    if (!clamp || p.runner !== 'xnnpack' || p.node.inputCount !== 1) continue;
    const input = p.node.def.inputs[0];
    const source = producer.get(input);
    if (!source || source.runner !== 'xnnpack' || !source.lowering?.clampsOutput) continue;
    if (readers.get(input) !== 1 || graphOutputs.has(input) || source.node.outputCount !== 1) continue;
    if (fusion.redirect.has(input) || fusion.removed.has(source.node.def.index)) continue;
    fusion.redirect.set(input, { into: p.node.output(0), min: clamp[0], max: clamp[1] });
    fusion.removed.add(p.node.def.index);
  }
  return fusion;
}
