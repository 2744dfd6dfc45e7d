/**
 * Which FP16 constants can reach XNNPACK without being converted to float32
 * up front: those read only by operators that look the weight cache up
 * before packing (their lowering's `lazyWeightInputs`). The native side then
 * converts them only on a cache miss (native/lazy_weights.h), so a warm start
 * does neither the conversion nor holds the float32 copy.
 */
import type { SubgraphDef } from '../model/types';
import type { StaticValues } from '../core/static-values';
import type { PlacedOp } from './placement';
import type { Precision } from '../xnnpack/dynamic-quantization';

/** Only constants read by XNNPACK alone qualify: a reference kernel reads the float32 values. */
export function lazyWeightTensors(plan: readonly PlacedOp[], subgraph: SubgraphDef, statics: StaticValues, precision: Precision): Set<number> {
  const eligible = new Map<number, boolean>();
  for (const p of plan) {
    if (p.folded) continue;
    const lazyInputs = p.runner === 'xnnpack' ? p.lowering?.lazyWeightInputs?.(p.node, statics, precision) ?? [] : [];
    p.node.def.inputs.forEach((t, k) => {
      if (t < 0) return;
      const ok = lazyInputs.includes(k) && statics.float16Source(subgraph.tensors[t]) !== undefined;
      eligible.set(t, (eligible.get(t) ?? true) && ok);
    });
  }
  for (const o of subgraph.outputs) eligible.set(o, false);
  return new Set([...eligible].filter(([, ok]) => ok).map(([t]) => t));
}
