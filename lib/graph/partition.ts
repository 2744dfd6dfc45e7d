/**
 * Decides where each operator of a subgraph runs: on XNNPACK, or, for a
 * subgraph with int16 activations (TFLite's int16x8 models, which XNNPACK
 * has no kernels for), on xnnlite's reference kernels (lib/reference). A
 * subgraph runs wholly on one or the other; the plan is a list of segments
 * so that mixing them per operator can come later.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef } from '../model/types';
import { Node } from './node';
import { first, nonEmptyOperands } from './checks';
import type { OpFamily } from './op-family';
import { familyOf } from './registry';
import type { StaticValues } from './static-values';
import type { ReferenceFamily } from '../reference/family';
import { needsReferenceKernels, referenceFamilyOf } from '../reference/registry';

export type Runner = 'xnnpack' | 'reference';

export interface PlannedOp {
  node: Node;
  /** Where the operator runs (if it can). */
  runner: Runner;
  /** How it runs on XNNPACK (runner 'xnnpack'). */
  family?: OpFamily;
  /** How it runs on the reference kernels (runner 'reference'). */
  reference?: ReferenceFamily;
  /** Why the operator cannot run on its runner, if it cannot. */
  reason?: string;
  /** Folded into constants at load; nothing runs. */
  folded: boolean;
}

export interface Segment {
  runner: Runner | 'unsupported';
  ops: PlannedOp[];
}

export function planSubgraph(subgraph: SubgraphDef, statics: StaticValues): PlannedOp[] {
  if (needsReferenceKernels(subgraph, statics)) return planFor(subgraph, statics, 'reference');
  const onXnnpack = planFor(subgraph, statics, 'xnnpack');
  if (!onXnnpack.some((p) => p.reason)) return onXnnpack;
  // Until subgraphs are partitioned between the runners: all on the reference kernels if they can run every operator.
  const onReference = planFor(subgraph, statics, 'reference');
  if (!onReference.some((p) => p.reason)) return onReference;
  // Say why each operator cannot run where it has a kernel at all.
  return onXnnpack.map((p, k) => (p.reason && !p.family && onReference[k].reference ? onReference[k] : p));
}

function planFor(subgraph: SubgraphDef, statics: StaticValues, runner: Runner): PlannedOp[] {
  return subgraph.operators.map((def) => {
    const node = new Node(def, subgraph);
    const folded = statics.isFolded(def.index);
    const family = familyOf(def.op);
    const reference = runner === 'reference' && !folded ? referenceFamilyOf(def.op) : undefined;
    const checker = runner === 'reference' && !folded ? reference : family;
    if (!checker) {
      const kind = def.customCode !== undefined ? 'custom operator' : 'operator';
      const where = runner === 'reference' ? ' in an int16x8 model (no reference kernel for it)' : '';
      return { node, runner, reason: `${kind} is not supported${where}`, folded: false };
    }
    let reason: string | undefined;
    try {
      reason = runner === 'reference' ? first(() => nonEmptyOperands(node), () => checker.check(node, statics)) : checker.check(node, statics);
    } catch (err) {
      if (err instanceof ModelFormatError) throw err;
      throw new ModelFormatError(node.label, `options could not be read: ${(err as Error).message}`, { cause: err });
    }
    return { node, runner, family, reference, reason, folded };
  });
}

/** Groups consecutive operators by where they run. */
export function segments(plan: PlannedOp[]): Segment[] {
  const out: Segment[] = [];
  for (const op of plan) {
    const runner = op.reason ? 'unsupported' : op.runner;
    const last = out[out.length - 1];
    if (last && last.runner === runner) last.ops.push(op);
    else out.push({ runner, ops: [op] });
  }
  return out;
}
