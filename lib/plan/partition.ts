/**
 * Groups placed operators into the steps a session runs: maximal XNNPACK
 * partitions (each becomes one XNNPACK runtime) and reference kernel calls
 * between them. As TFLite's delegate partitioner does, it repeatedly takes
 * every operator of the current runner whose inputs are ready, then switches
 * runner: partitions are as large as the data flow allows and never depend
 * on each other in a cycle. A model that XNNPACK runs whole is one step.
 */
import { ModelFormatError } from '../errors';
import type { SubgraphDef } from '../model/types';
import type { StaticValues } from '../core/static-values';
import type { PlacedOp, Runner } from './placement';

export interface Step {
  runner: Runner;
  /** In an order that respects the data flow (one op for a reference step). */
  ops: PlacedOp[];
}

/** Operators that run as part of another: activations fused into their producer, which then writes their output. */
export interface Fused {
  removed: ReadonlySet<number>;
  /** Producer output -> the tensor the producer writes instead. */
  redirect: ReadonlyMap<number, { into: { index: number } }>;
}

/** @param placed Every operator, placed (none may have a reason). */
export function partition(placed: readonly PlacedOp[], subgraph: SubgraphDef, statics: StaticValues, fused: Fused = { removed: new Set(), redirect: new Map() }): Step[] {
  const producers = new Set<number>();
  for (const p of placed) if (!p.folded) for (const o of p.node.def.outputs) producers.add(o);
  // Ready from the start: graph inputs, constants, and tensors no operator writes (they read as zeros).
  const ready = (t: number) => t < 0 || available.has(t);
  const available = new Set<number>(subgraph.inputs);
  subgraph.tensors.forEach((t) => {
    if (statics.isStatic(t) || !producers.has(t.index)) available.add(t.index);
  });
  let pending = placed.filter((p) => !p.folded && !fused.removed.has(p.node.def.index));
  const steps: Step[] = [];
  let runner: Runner = pending[0]?.runner ?? 'xnnpack';
  let idleRounds = 0;
  while (pending.length > 0) {
    const group: PlacedOp[] = [];
    for (let progress = true; progress;) {
      progress = false;
      const rest: PlacedOp[] = [];
      for (const p of pending) {
        if (p.runner === runner && p.node.def.inputs.every(ready)) {
          group.push(p);
          for (const o of p.node.def.outputs) available.add(fused.redirect.get(o)?.into.index ?? o);
          progress = true;
        } else {
          rest.push(p);
        }
      }
      pending = rest;
    }
    if (group.length > 0) {
      idleRounds = 0;
      if (runner === 'xnnpack') steps.push({ runner, ops: group });
      else for (const p of group) steps.push({ runner, ops: [p] });
    } else if (++idleRounds > 1) {
      const stuck = pending[0];
      throw new ModelFormatError(stuck.node.label, 'its inputs depend on its own outputs (the operators form a cycle)');
    }
    runner = runner === 'xnnpack' ? 'reference' : 'xnnpack';
  }
  return steps;
}
