// Small models for op tests, and the parity check against LiteRT.js.
import type { Test } from 'tap';
import type { DType } from '../../lib/model/schema';
import { writeModel, type OperatorSpec, type OptionsSpec, type TensorSpec } from '../../lib/model/writer';
import { loadModel } from '../../lib/index';
import { deterministicInput, difference } from './compare';
import { runReference, runReferenceTyped } from './litert';

export interface TensorArg {
  shape: number[];
  /** Constant contents; tensors without data become graph inputs. */
  data?: Float32Array | Int32Array | Uint16Array | Uint8Array;
  dtype?: DType;
  sparsity?: TensorSpec['sparsity'];
  quantization?: TensorSpec['quantization'];
}

export const f32 = (shape: number[], data?: Float32Array): TensorArg => ({ shape, data });
export const i32 = (values: number[], shape = [values.length]): TensorArg => ({ shape, data: Int32Array.from(values), dtype: 'int32' });

/** Deterministic weights in [-scale, scale]. */
export function weights(shape: number[], seed = 3, scale = 0.5): Float32Array {
  return deterministicInput(shape.reduce((a, b) => a * b, 1), -scale, scale, seed);
}

export interface OpCase {
  op: string;
  custom?: boolean;
  inputs: (TensorArg | null)[];
  outputs: TensorArg[];
  options?: OptionsSpec;
  customOptions?: Uint8Array;
}

/** A one-operator model: tensors without data are the graph's inputs, the op's outputs its outputs. */
export function opModel(c: OpCase): Uint8Array {
  const tensors: TensorSpec[] = [];
  const graphInputs: number[] = [];
  const opInputs = c.inputs.map((arg) => {
    if (!arg) return -1;
    tensors.push({ shape: arg.shape, dtype: arg.dtype ?? 'float32', data: arg.data, sparsity: arg.sparsity, quantization: arg.quantization, name: `in${tensors.length}` });
    if (!arg.data) graphInputs.push(tensors.length - 1);
    return tensors.length - 1;
  });
  const opOutputs = c.outputs.map((arg, k) => {
    tensors.push({ shape: arg.shape, dtype: arg.dtype ?? 'float32', quantization: arg.quantization, name: `out${k}` });
    return tensors.length - 1;
  });
  const op: OperatorSpec = { op: c.op, custom: c.custom, inputs: opInputs, outputs: opOutputs, options: c.options, customOptions: c.customOptions };
  return writeModel({ subgraphs: [{ tensors, inputs: graphInputs, outputs: opOutputs, operators: [op] }] });
}

/** Runs `bytes` in xnnlite and in LiteRT.js on the same deterministic inputs. */
export async function runBoth(bytes: Uint8Array, inputRange: [number, number] = [-2, 2]) {
  const model = await loadModel(bytes);
  const session = await model.createSession({ threads: 1 });
  try {
    const inputs = model.inputs.map((t, k) => deterministicInput(t.shape.reduce((a, b) => a * b, 1), inputRange[0], inputRange[1], k + 1));
    const named = Object.fromEntries(model.inputs.map((t, k) => [t.name, inputs[k]]));
    const ours = await session.run(named);
    const reference = await runReference(bytes, inputs);
    return { ours: model.outputs.map((t) => ours[t.name]), reference, outputs: model.outputs };
  } finally {
    model.dispose();
  }
}

/**
 * Asserts that xnnlite matches LiteRT.js on a model: every output within
 * `rtol` of the reference output's largest magnitude (plus 1e-6 absolute).
 */
export async function expectParity(t: Test, bytes: Uint8Array, rtol = 1e-5, inputRange: [number, number] = [-2, 2]): Promise<void> {
  const { ours, reference, outputs } = await runBoth(bytes, inputRange);
  t.equal(ours.length, reference.length, 'same number of outputs');
  outputs.forEach((info, k) => {
    t.equal(ours[k].length, reference[k].length, `${info.name}: same length`);
    const d = difference(ours[k], reference[k]);
    const ok = d.maxAbs <= 1e-6 + rtol * d.scale;
    t.ok(ok, `${info.name}: max |diff| ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)}, tolerance ${rtol}) at ${d.index}`);
  });
}

/** Parity of a single-operator model. */
export function expectOpParity(t: Test, c: OpCase, rtol = 1e-5, inputRange: [number, number] = [-2, 2]): Promise<void> {
  return expectParity(t, opModel(c), rtol, inputRange);
}

/** Arrays the typed parity check feeds: one per graph input, in the model's input order. */
export type TypedInput = Float32Array | Int32Array | Uint8Array;

/**
 * Parity of a model whose inputs and outputs may be float32, int32, uint8
 * or bool (LiteRT.js takes and gives no others; wrap int64 and bool operands
 * in CASTs from and to int32): float outputs within `rtol` of the reference
 * output's largest magnitude (plus 1e-6), integer and bool outputs exactly.
 * Shapes of outputs are compared through their element counts.
 */
export async function expectTypedParity(t: Test, bytes: Uint8Array, inputs: TypedInput[], rtol = 1e-5): Promise<void> {
  const model = await loadModel(bytes);
  try {
    const session = await model.createSession({ threads: 1 });
    const named = Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]]));
    const ours = await session.run<Float32Array | Int32Array | Uint8Array>(named);
    const reference = await runReferenceTyped(bytes, inputs);
    t.equal(model.outputs.length, reference.length, 'same number of outputs');
    model.outputs.forEach((info, k) => {
      const [a, b] = [ours[info.name], reference[k]];
      t.equal(a.length, b.length, `${info.name}: same length`);
      if (info.dtype === 'float32') {
        const d = difference(a, b);
        t.ok(d.maxAbs <= 1e-6 + rtol * d.scale, `${info.name}: max |diff| ${d.maxAbs.toExponential(2)} (relative ${d.relative.toExponential(2)}, tolerance ${rtol}) at ${d.index}`);
      } else {
        const first = Array.prototype.findIndex.call(b, (v: number, i: number) => v !== a[i]);
        t.equal(first, -1, `${info.name} (${info.dtype}): equal${first >= 0 ? ` (first difference at ${first}: ${a[first]} vs ${b[first]})` : ''}`);
      }
    });
  } finally {
    model.dispose();
  }
}

/** Dtypes LiteRT.js cannot take or give at a model's edge: the op's operands of these are cast from and to int32. */
const WRAPPED_DTYPES = new Set<DType>(['int64', 'bool', 'int16', 'int8']);

/**
 * A one-operator model like opModel, but graph inputs and outputs that
 * LiteRT.js cannot take (int64, bool, int8, int16) are int32 at the model's
 * edge, with a CAST to and from the op's dtype: the op itself sees its own
 * types. Feed the int32 inputs; compare the int32 outputs.
 */
export function castWrappedModel(c: OpCase): Uint8Array {
  const tensors: TensorSpec[] = [];
  const graphInputs: number[] = [];
  const graphOutputs: number[] = [];
  const operators: OperatorSpec[] = [];
  const add = (spec: TensorSpec) => tensors.push(spec) - 1;
  const opInputs = c.inputs.map((arg) => {
    if (!arg) return -1;
    const dtype = arg.dtype ?? 'float32';
    const index = add({ shape: arg.shape, dtype, data: arg.data, sparsity: arg.sparsity, quantization: arg.quantization, name: `in${tensors.length}` });
    if (arg.data) return index;
    if (!WRAPPED_DTYPES.has(dtype)) {
      graphInputs.push(index);
      return index;
    }
    const edge = add({ shape: arg.shape, dtype: 'int32', name: `in${tensors.length}_int32` });
    graphInputs.push(edge);
    operators.push({ op: 'CAST', inputs: [edge], outputs: [index] });
    return index;
  });
  const opOutputs = c.outputs.map((arg, k) => {
    const dtype = arg.dtype ?? 'float32';
    const index = add({ shape: arg.shape, dtype, quantization: arg.quantization, name: WRAPPED_DTYPES.has(dtype) ? `out${k}_${dtype}` : `out${k}` });
    if (!WRAPPED_DTYPES.has(dtype)) {
      graphOutputs.push(index);
      return index;
    }
    const edge = add({ shape: arg.shape, dtype: 'int32', name: `out${k}` });
    graphOutputs.push(edge);
    return index;
  });
  operators.push({ op: c.op, custom: c.custom, inputs: opInputs, outputs: opOutputs, options: c.options, customOptions: c.customOptions });
  c.outputs.forEach((arg, k) => {
    if (WRAPPED_DTYPES.has(arg.dtype ?? 'float32')) operators.push({ op: 'CAST', inputs: [opOutputs[k]], outputs: [graphOutputs[k]] });
  });
  return writeModel({ subgraphs: [{ tensors, inputs: graphInputs, outputs: graphOutputs, operators }] });
}

/** Runs `load` (a loadModel or inspectModel) with XNNLITE_KERNELS=reference: every operator the reference kernels take runs on them. */
export async function preferringReferenceKernels<T>(load: () => Promise<T>): Promise<T> {
  const saved = process.env.XNNLITE_KERNELS;
  process.env.XNNLITE_KERNELS = 'reference';
  try {
    return await load();
  } finally {
    if (saved === undefined) delete process.env.XNNLITE_KERNELS;
    else process.env.XNNLITE_KERNELS = saved;
  }
}
