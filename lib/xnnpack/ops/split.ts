// SPLIT into equal parts along a constant axis (XNNPACK splits into 2 to 4).
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { arity, constant, first, normalizeAxis, rankAtMost, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

function axis(node: Node, statics: StaticValues): number | undefined {
  const raw = statics.integers(node.in(0));
  return raw && raw.length === 1 ? normalizeAxis(raw[0], node.in(1).shape.length) : undefined;
}

function check(node: Node, statics: StaticValues): Reason {
  const parts = node.outputCount;
  return first(
    () => arity(node, 2, 2, parts),
    () => (node.options ? undefined : 'SplitOptions are missing'),
    () => (node.def.optionsType === BuiltinOptions.SplitOptions ? undefined : `options type (got ${node.def.optionsType}, expected SplitOptions)`),
    () => {
      const n = node.options!.scalar(OptionSlot.Split.numSplits, 'i32', 'num_splits');
      return n === parts ? undefined : `num_splits (got ${n}, expected the ${parts} outputs)`;
    },
    () => (parts >= 1 && parts <= 4 ? undefined : `number of outputs (got ${parts}, expected 1 to 4)`),
    () => operandTypes(node, statics, { activations: [1], quantized: false }),
    () => rankAtMost(node.in(1), 6, 'input'),
    () => constant(node.in(0), 'axis', statics),
    () => {
      const a = axis(node, statics);
      if (a === undefined) return `axis (got [${statics.integers(node.in(0))}], expected one integer within rank ${node.in(1).shape.length})`;
      const size = node.in(1).shape[a];
      if (size % parts !== 0) return `size along axis ${a} (got ${size}, expected a multiple of ${parts})`;
      const expected = node.in(1).shape.map((d, i) => (i === a ? d / parts : d)).join();
      for (let k = 0; k < parts; k++) {
        if (node.output(k).shape.join() !== expected) return `output ${k} shape (got [${node.output(k).shape}], expected [${expected}])`;
      }
      return undefined;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const input = g.value(node.in(1));
  if (node.outputCount === 1) {
    g.subgraph.defineCopy(input, g.value(node.output(0)), 0);
    return;
  }
  const outputs = Array.from({ length: node.outputCount }, (_, k) => g.value(node.output(k)));
  g.subgraph.defineEvenSplit(axis(node, g.statics)!, input, outputs, 0);
}

export const split: XnnpackLowering = { check, lower };
