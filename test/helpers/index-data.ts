// Inputs for the index, selection and generator ops' tests: deterministic
// values of each dtype as the models built by castWrappedModel take them
// (int8, int16, int64 and bool through int32), and a run that expects an
// InvalidValueError and then a good run.
import type { Test } from 'tap';
import { loadModel } from '../../lib/index';
import type { DType } from '../../lib/model/schema';
import { deterministicInput } from './compare';
import type { TypedInput } from './op-model';

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
