// Inputs for the index, selection and generator ops' tests: deterministic
// values of each dtype as the models built by castWrappedModel take them
// (int8, int16, int64 and bool through int32), and a run that expects an
// InvalidValueError and then a good run.
import type { Test } from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import { writeModel, type OperatorSpec, type TensorSpec } from '../../lib/model/writer';
import { deterministicInput } from './compare';
import type { OpCase, TypedInput } from './op-model';

export const ALL_DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'] as const satisfies readonly DType[];

const RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], int32: [-1e9, 1e9], int64: [-2e9, 2e9], bool: [0, 1],
};

/** `n` deterministic values of `dtype`, in the array type the model's input takes. */
export function valuesOf(dtype: DType, n: number, seed = 1): TypedInput {
  if (dtype === 'float32') return deterministicInput(n, -3, 3, seed);
  const [lo, hi] = RANGES[dtype];
  const raw = deterministicInput(n, 0, 1, seed);
  const ints = Array.from(raw, (v, k) => (dtype === 'bool' ? (Math.round(v * 7) + k) % 2 : Math.round(lo + (hi - lo) * v)));
  return dtype === 'uint8' ? Uint8Array.from(ints) : Int32Array.from(ints);
}

/** Values with many repeats (for ties): few distinct values of `dtype`. */
export function tiedValuesOf(dtype: DType, n: number, seed = 1): TypedInput {
  const ints = Array.from({ length: n }, (_, k) => ((k * 7 + seed * 3) % 5) - (dtype === 'uint8' || dtype === 'bool' ? 0 : 2));
  if (dtype === 'float32') return Float32Array.from(ints, (v) => v * 0.5);
  if (dtype === 'bool') return Int32Array.from(ints, (v) => v % 2);
  return dtype === 'uint8' ? Uint8Array.from(ints) : Int32Array.from(ints);
}

/**
 * Runs `bytes` with `bad` inputs and expects InvalidValueError naming
 * `message`, then with `good` inputs and expects a result: the session stays usable.
 */
export async function expectInvalidThenValid(t: Test, bytes: Uint8Array, bad: TypedInput[], good: TypedInput[], message: RegExp, threads = 1): Promise<void> {
  const model = await loadModel(bytes);
  try {
    const session = await model.createSession({ threads });
    const named = (inputs: TypedInput[]) => Object.fromEntries(model.inputs.map((info, k) => [info.name, inputs[k]]));
    await t.rejects(session.run(named(bad)), { name: 'InvalidValueError', code: 'ERR_XNNLITE_INVALID_VALUE', message });
    const result = await session.run<Float32Array | Int32Array | Uint8Array>(named(good));
    t.ok(model.outputs.every((info) => result[info.name].length > 0), 'a later run with good values works');
  } finally {
    model.dispose();
  }
}

/** Dtypes LiteRT.js cannot take or give at a model's edge (as castWrappedModel). */
const WRAPPED = new Set<DType>(['int64', 'bool', 'int16', 'int8']);

/**
 * Like castWrappedModel, but every output of the op goes through a CAST (to
 * int32 for the dtypes LiteRT.js cannot give, else to its own dtype).
 * LiteRT.js returns stale bytes for an output TFLite computes once when it
 * prepares the model (SHAPE, RANGE of constants): a CAST after it makes the
 * graph's output an ordinary tensor.
 */
export function castAfterModel(c: OpCase): Uint8Array {
  const tensors: TensorSpec[] = [];
  const graphInputs: number[] = [];
  const operators: OperatorSpec[] = [];
  const add = (spec: TensorSpec) => tensors.push(spec) - 1;
  const opInputs = c.inputs.map((arg, k) => {
    if (!arg) return -1;
    const dtype = arg.dtype ?? 'float32';
    const index = add({ shape: arg.shape, dtype, data: arg.data, quantization: arg.quantization, name: `in${k}` });
    if (arg.data) return index;
    if (!WRAPPED.has(dtype)) {
      graphInputs.push(index);
      return index;
    }
    const edge = add({ shape: arg.shape, dtype: 'int32', name: `in${k}_int32` });
    graphInputs.push(edge);
    operators.push({ op: 'CAST', inputs: [edge], outputs: [index] });
    return index;
  });
  const opOutputs = c.outputs.map((arg, k) => add({ shape: arg.shape, dtype: arg.dtype ?? 'float32', quantization: arg.quantization, name: `op_out${k}` }));
  operators.push({ op: c.op, inputs: opInputs, outputs: opOutputs, options: c.options });
  const graphOutputs = c.outputs.map((arg, k) => {
    const dtype = arg.dtype ?? 'float32';
    const edge = add({ shape: arg.shape, dtype: WRAPPED.has(dtype) ? 'int32' : dtype, name: `out${k}` });
    operators.push({ op: 'CAST', inputs: [opOutputs[k]], outputs: [edge] });
    return edge;
  });
  return writeModel({ subgraphs: [{ tensors, inputs: graphInputs, outputs: graphOutputs, operators }] });
}
