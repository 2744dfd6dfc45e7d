// CONCATENATION as TFLite defines it: along one axis, no fused activation (TFLite's kernel refuses one).
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import { axisInRange, first, normalizeAxis, optionsPresent, rankAtMost, type OperandCheck, type Reason } from '../checks';
import type { Node } from '../node';
import type { StaticValues } from '../static-values';

export function concatenationOptions(node: Node) {
  const o = node.options!;
  return {
    axis: o.scalar(OptionSlot.Concatenation.axis, 'i32', 'axis'),
    activation: o.scalar(OptionSlot.Concatenation.activation, 'i8', 'fused_activation_function'),
  };
}

export function checkConcatenation(node: Node, statics: StaticValues, operands: OperandCheck): Reason {
  return first(
    () => (node.inputCount >= 1 && node.outputCount === 1 ? undefined : `inputs and outputs (got ${node.inputCount} and ${node.outputCount}, expected at least 1 and 1)`),
    () => optionsPresent(node, BuiltinOptions.ConcatenationOptions, 'ConcatenationOptions'),
    () => operands({ activations: Array.from({ length: node.inputCount }, (_, k) => k) }),
    () => rankAtMost(node.output(0), 6, 'output'),
    () => axisInRange(concatenationOptions(node).axis, node.output(0).shape.length, 'axis'),
    () => (concatenationOptions(node).activation === 0 ? undefined : `fused activation (got ${concatenationOptions(node).activation}, expected NONE: TFLite's concatenation takes no activation)`),
    () => {
      for (let k = 0; k < node.inputCount; k++) {
        if (!node.input(k)) return `input ${k} is missing`;
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
