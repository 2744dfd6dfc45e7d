// CONCATENATION along one axis. XNNPACK takes 2 to 5 inputs per node, so
// longer lists are concatenated in steps through temporaries.
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { axisInRange, operandTypes, first, normalizeAxis, optionsPresent, rankAtMost, type Reason, type OperandRules } from '../checks';
import type { GraphBuilder } from '../builder';
import type { Node } from '../node';
import type { OpFamily } from '../op-family';
import type { StaticValues } from '../static-values';

export function concatenationOptions(node: Node) {
  const o = node.options!;
  return {
    axis: o.scalar(OptionSlot.Concatenation.axis, 'i32', 'axis'),
    activation: o.scalar(OptionSlot.Concatenation.activation, 'i8', 'fused_activation_function'),
  };
}

function check(node: Node, statics: StaticValues, rules: OperandRules = 'xnnpack'): Reason {
  return first(
    () => (node.inputCount >= 1 && node.outputCount === 1 ? undefined : `inputs and outputs (got ${node.inputCount} and ${node.outputCount}, expected at least 1 and 1)`),
    () => optionsPresent(node, BuiltinOptions.ConcatenationOptions, 'ConcatenationOptions'),
    () => operandTypes(node, statics, { activations: Array.from({ length: node.inputCount }, (_, k) => k), quantized: true }, rules),
    () => rankAtMost(node.output(0), 6, 'output'),
    () => axisInRange(concatenationOptions(node).axis, node.output(0).shape.length, 'axis'),
    () => (concatenationOptions(node).activation === 0 ? undefined : `fused activation (got ${concatenationOptions(node).activation}, expected NONE: TFLite's concatenation takes no activation)`),
    () => {
      for (let k = 0; k < node.inputCount; k++) {
        if (!node.input(k)) return `input ${k} is missing`;
        if (statics.isStatic(node.input(k))) return `input ${k} (got a constant, expected a tensor computed at run time)`;
      }
      const axis = normalizeAxis(concatenationOptions(node).axis, node.output(0).shape.length)!;
      const out = node.output(0).shape;
      let sum = 0;
      for (let k = 0; k < node.inputCount; k++) {
        const s = node.in(k).shape;
        if (s.length !== out.length || s.some((d, i) => i !== axis && d !== out[i])) return `input ${k} shape (got [${s}], expected [${out}] outside axis ${axis})`;
        sum += s[axis];
      }
      return sum === out[axis] ? undefined : `output size along axis ${axis} (got ${out[axis]}, expected ${sum})`;
    },
  );
}

function lower(g: GraphBuilder, node: Node): void {
  const out = node.output(0);
  const axis = normalizeAxis(concatenationOptions(node).axis, out.shape.length)!;
  const inputs = Array.from({ length: node.inputCount }, (_, k) => node.in(k));
  if (inputs.length === 1) {
    g.subgraph.defineCopy(g.value(inputs[0]), g.value(out), 0);
    return;
  }
  let ids = inputs.map((t) => g.value(t));
  let sizes = inputs.map((t) => t.shape[axis]);
  while (ids.length > 5) {
    const partShape = [...out.shape];
    partShape[axis] = sizes.slice(0, 5).reduce((a, b) => a + b, 0);
    const part = g.internal(partShape, out);
    g.subgraph.defineConcatenate(axis, ids.slice(0, 5), part, 0);
    ids = [part, ...ids.slice(5)];
    sizes = [partShape[axis], ...sizes.slice(5)];
  }
  g.subgraph.defineConcatenate(axis, ids, g.value(out), 0);
}

export const concatenation: OpFamily = { ops: ['CONCATENATION'], check, lower, int8: { CONCATENATION: { activations: 'all', output: 'shared' } } };
