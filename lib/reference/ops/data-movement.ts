// RESHAPE, SQUEEZE and EXPAND_DIMS (a copy: the output shape is the
// model's), CONCATENATION and PACK (both the concatenation kernel: PACK's
// inputs each add one index along the new axis), for every element type.
import { arity, first, normalizeAxis, sameElementCount, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import { concatenationOptions } from '../../core/operators/concatenation';
import type { StaticValues } from '../../core/static-values';
import { BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { ALL_TYPES, dataTypes, elementBytes, oneQuantization, outputShape } from './layout-checks';

const allInputs = (node: Node) => Array.from({ length: node.inputCount }, (_, k) => k);

export const reshapeReference: ReferenceEncoding = {
  check: (node, statics) => first(
    () => arity(node, 1, 2, 1),
    () => dataTypes(node, statics, [0], ALL_TYPES),
    // TFLite's EXPAND_DIMS also wants int16 zero points of 0.
    () => oneQuantization(node, statics, [0], node.op === 'EXPAND_DIMS'),
    () => sameElementCount(node.in(0), node.output(0)),
  ),
  encode: (b: ProgramBuilder, node: Node) => b.call(node, 'copy', [b.tensor(node.in(0))], [b.tensor(node.output(0))],
    [elementsOf(node.in(0).shape) * elementBytes(node.in(0), b.statics)]),
};

function checkConcatenation(node: Node, statics: StaticValues): Reason {
  return first(
    () => (node.inputCount >= 1 && node.outputCount === 1 ? undefined : `inputs and outputs (got ${node.inputCount} and ${node.outputCount}, expected at least 1 and 1)`),
    () => allInputs(node).map((k) => (node.input(k) ? undefined : `input ${k} is missing`)).find((r) => r !== undefined),
    () => (node.options && node.def.optionsType === BuiltinOptions.ConcatenationOptions ? undefined
      : `options (got ${node.options ? `type ${node.def.optionsType}` : 'none'}, expected ConcatenationOptions)`),
    () => dataTypes(node, statics, allInputs(node), ALL_TYPES),
    () => oneQuantization(node, statics, allInputs(node), true),
    () => {
      const { axis, activation } = concatenationOptions(node);
      if (activation !== 0) return `fused activation (got ${activation}, expected NONE: TFLite's CONCATENATION takes none)`;
      const out = node.output(0).shape;
      const a = normalizeAxis(axis, out.length);
      if (a === undefined) return `axis (got ${axis}, expected ${-out.length} to ${out.length - 1})`;
      let sum = 0;
      for (const k of allInputs(node)) {
        const s = node.in(k).shape;
        if (s.length !== out.length || s.some((d, i) => i !== a && d !== out[i])) return `input ${k} shape (got [${s}], expected [${out}] outside axis ${a})`;
        sum += s[a];
      }
      return sum === out[a] ? undefined : `output size along axis ${a} (got ${out[a]}, expected ${sum})`;
    },
  );
}

export const concatenationReference: ReferenceEncoding = {
  check: checkConcatenation,
  encode: (b: ProgramBuilder, node: Node) => {
    const out = node.output(0).shape;
    const axis = normalizeAxis(concatenationOptions(node).axis, out.length)!;
    const inputs = allInputs(node).map((k) => node.in(k));
    b.call(node, 'concatenation', inputs.map((t) => b.tensor(t)), [b.tensor(node.output(0))],
      [elementBytes(inputs[0], b.statics), elementsOf(out.slice(0, axis)), elementsOf(out.slice(axis + 1)), inputs.length, ...inputs.map((t) => t.shape[axis])]);
  },
};

function packOptions(node: Node) {
  const o = node.options!;
  return { count: o.scalar(OptionSlot.Pack.valuesCount, 'i32', 'values_count'), axis: o.scalar(OptionSlot.Pack.axis, 'i32', 'axis') };
}

/** PACK's axis in the output, or undefined if out of range. */
function packAxis(node: Node): number | undefined {
  return normalizeAxis(packOptions(node).axis, node.in(0).shape.length + 1);
}

function checkPack(node: Node, statics: StaticValues): Reason {
  return first(
    () => (node.inputCount >= 1 && node.outputCount === 1 ? undefined : `inputs and outputs (got ${node.inputCount} and ${node.outputCount}, expected at least 1 and 1)`),
    () => allInputs(node).map((k) => (node.input(k) ? undefined : `input ${k} is missing`)).find((r) => r !== undefined),
    () => (node.options && node.def.optionsType === BuiltinOptions.PackOptions ? undefined
      : `options (got ${node.options ? `type ${node.def.optionsType}` : 'none'}, expected PackOptions)`),
    () => (packOptions(node).count === node.inputCount ? undefined : `values_count (got ${packOptions(node).count}, expected the ${node.inputCount} inputs)`),
    () => dataTypes(node, statics, allInputs(node), ALL_TYPES.filter((d) => d !== 'bool')),
    () => oneQuantization(node, statics, allInputs(node)),
    () => {
      const shape = node.in(0).shape;
      const axis = packAxis(node);
      if (axis === undefined) return `axis (got ${packOptions(node).axis}, expected ${-shape.length - 1} to ${shape.length})`;
      for (const k of allInputs(node)) {
        if (node.in(k).shape.join() !== shape.join()) return `input ${k} shape (got [${node.in(k).shape}], expected [${shape}] like input 0)`;
      }
      return outputShape(node, 0, [...shape.slice(0, axis), node.inputCount, ...shape.slice(axis)]);
    },
  );
}

export const packReference: ReferenceEncoding = {
  check: checkPack,
  encode: (b: ProgramBuilder, node: Node) => {
    const shape = node.in(0).shape;
    const axis = packAxis(node)!;
    const inputs = allInputs(node).map((k) => node.in(k));
    b.call(node, 'concatenation', inputs.map((t) => b.tensor(t)), [b.tensor(node.output(0))],
      [elementBytes(inputs[0], b.statics), elementsOf(shape.slice(0, axis)), elementsOf(shape.slice(axis)), inputs.length, ...inputs.map(() => 1)]);
  },
};
