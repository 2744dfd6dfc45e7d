/**
 * Decides where each operator of a subgraph runs. Today every operator must
 * run on XNNPACK; the plan is already a list of segments so that operators
 * XNNPACK lacks (GATHER, RESIZE_NEAREST_NEIGHBOR, …) can later run on our own
 * reference kernels between XNNPACK segments, as TFLite runs delegates.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef } from '../model/types';
import { Node } from './node';
import type { OpFamily } from './op-family';
import { familyOf } from './registry';
import type { StaticValues } from './static-values';

export interface PlannedOp {
  node: Node;
  family?: OpFamily;
  /** Why the operator cannot run on XNNPACK, if it cannot. */
  reason?: string;
  /** Folded into constants at load; nothing runs. */
  folded: boolean;
}

export interface Segment {
  runner: 'xnnpack' | 'unsupported';
  ops: PlannedOp[];
}

export function planSubgraph(subgraph: SubgraphDef, statics: StaticValues): PlannedOp[] {
  return subgraph.operators.map((def) => {
    const node = new Node(def, subgraph);
    const family = familyOf(def.op);
    if (!family) {
      const kind = def.customCode !== undefined ? 'custom operator' : 'operator';
      return { node, reason: `${kind} is not supported`, folded: false };
    }
    let reason: string | undefined;
    try {
      reason = family.check(node, statics);
    } catch (err) {
      if (err instanceof ModelFormatError) throw err;
      throw new ModelFormatError(node.label, `options could not be read: ${(err as Error).message}`, { cause: err });
    }
    return { node, family, reason, folded: statics.isFolded(def.index) };
  });
}

/** Groups consecutive operators by where they run. */
export function segments(plan: PlannedOp[]): Segment[] {
  const out: Segment[] = [];
  for (const op of plan) {
    const runner = op.reason ? 'unsupported' : 'xnnpack';
    const last = out[out.length - 1];
    if (last && last.runner === runner) last.ops.push(op);
    else out.push({ runner, ops: [op] });
  }
  return out;
}
