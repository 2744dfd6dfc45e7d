// PAD with zeros, paddings a constant [rank, 2] tensor.
import { arity, constant, first, rankAtMost, type Reason } from '../../core/checks';
import { operandTypes } from '../operand-types';
import type { GraphBuilder } from '../builder';
import type { Node } from '../../core/node';
import type { XnnpackLowering } from '../lowering';
import type { StaticValues } from '../../core/static-values';

export function paddings(node: Node, statics: StaticValues): { pre: number[]; post: number[] } | undefined {
  const raw = statics.integers(node.in(1));
  const r = node.in(0).shape.length;
  if (!raw || raw.length !== 2 * r || raw.some((p) => !(p >= 0))) return undefined;
  return { pre: raw.filter((_, i) => i % 2 === 0), post: raw.filter((_, i) => i % 2 === 1) };
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 2, 2, 1),
    () => operandTypes(node, statics, { activations: [0], quantized: true }),
    () => rankAtMost(node.in(0), 6, 'input'),
    () => constant(node.in(1), 'paddings', statics),
    () => {
      const p = paddings(node, statics);
      if (!p) return `paddings (got [${statics.integers(node.in(1))}], expected ${2 * node.in(0).shape.length} non-negative integers)`;
      const expected = node.in(0).shape.map((d, i) => d + p.pre[i] + p.post[i]);
      return expected.join() === node.output(0).shape.join() ? undefined : `output shape (got [${node.output(0).shape}], expected [${expected}])`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const p = paddings(node, g.statics)!;
  g.subgraph.defineStaticConstantPad(p.pre, p.post, 0, g.value(node.in(0)), g.value(node.output(0)), 0);
}

export const pad: XnnpackLowering = { check, lower };
