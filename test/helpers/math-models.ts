// Inputs and models for the math, comparison and reduction op tests.
import type { Test } from 'tap';
import { inspectModel, loadModel } from '../../lib/index';
import { Node } from '../../lib/core/node';
import { StaticValues } from '../../lib/core/static-values';
import { readModel } from '../../lib/model/reader';
import { toSpec } from '../../lib/quantize/rewrite';
import { descriptorOf, foldOf } from '../../lib/ops/registry';
import { writeModel, type OperatorSpec, type TensorSpec } from '../../lib/model/writer';
import { deterministicInput } from './compare';
import type { OpCase } from './op-model';

export const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic integers in [lo, hi]. */
export function intValues(n: number, lo: number, hi: number, seed = 1): Int32Array {
  return Int32Array.from(deterministicInput(n, lo - 0.49, hi + 0.49, seed), (v) => Math.max(lo, Math.min(hi, Math.round(v))));
}

/** Deterministic floats in [lo, hi]. */
export function floatValues(n: number, lo: number, hi: number, seed = 1): Float32Array {
  return deterministicInput(n, lo, hi, seed);
}

/** Deterministic booleans (bytes 0/1), about `density` of them true. */
export function boolValues(n: number, seed = 1, density = 0.5): Uint8Array {
  return Uint8Array.from(deterministicInput(n, 0, 1, seed), (v) => (v < density ? 1 : 0));
}

/** The bytes of int64 values, for a constant int64 operand. */
export function int64Bytes(values: readonly bigint[]): Uint8Array {
  return new Uint8Array(BigInt64Array.from(values).buffer);
}

/**
 * The one-operator model of `c` (float32, int32 and uint8 operands), plus an
 * unrelated int32 NEG from one more graph input to one more output (a
 * reference step beside it). Feed one more int32 input (any three values);
 * load with XNNLITE_KERNELS=reference to put `c`'s operator on the
 * reference kernels where XNNPACK would take it.
 */
export function onReferenceKernels(c: OpCase): Uint8Array {
  const tensors: TensorSpec[] = [];
  const inputs: number[] = [];
  const opInputs = c.inputs.map((arg) => {
    if (!arg) return -1;
    const index = tensors.push({ shape: arg.shape, dtype: arg.dtype ?? 'float32', data: arg.data, name: `in${tensors.length}` }) - 1;
    if (!arg.data) inputs.push(index);
    return index;
  });
  const opOutputs = c.outputs.map((arg, k) => tensors.push({ shape: arg.shape, dtype: arg.dtype ?? 'float32', name: `out${k}` }) - 1);
  const sideIn = tensors.push({ shape: [3], dtype: 'int32', name: 'side_in' }) - 1;
  const sideOut = tensors.push({ shape: [3], dtype: 'int32', name: 'side_out' }) - 1;
  const operators: OperatorSpec[] = [
    { op: c.op, inputs: opInputs, outputs: opOutputs, options: c.options },
    { op: 'NEG', inputs: [sideIn], outputs: [sideOut] },
  ];
  return writeModel({ subgraphs: [{ tensors, inputs: [...inputs, sideIn], outputs: [...opOutputs, sideOut], operators }] });
}

/** The extra input onReferenceKernels models take. */
export const SIDE_INPUT = Int32Array.from([1, -2, 3]);

/** Where each operator of `bytes` runs. */
export async function expectRunsOn(t: Test, bytes: Uint8Array, op: string, runner: 'xnnpack' | 'reference'): Promise<void> {
  const report = await inspectModel(bytes);
  const placed = report.placement.filter((p) => p.op === op).map((p) => p.runsOn);
  t.ok(placed.length > 0 && placed.every((r) => r === runner), `${op} runs on ${runner} (${placed.join(', ')})`);
}

/**
 * Why the reference kernels refuse the (first) `op` of `bytes`, straight
 * from its reference family: for operators that also have an XNNPACK
 * family, loadModel reports XNNPACK's reason (until the planner places
 * operators one by one).
 */
export function referenceRefusal(bytes: Uint8Array, op: string): string | undefined {
  const subgraph = readModel(bytes).subgraphs[0];
  const def = subgraph.operators.find((o) => o.op === op)!;
  return descriptorOf(op)!.reference!.check(new Node(def, subgraph), new StaticValues(subgraph, 0, foldOf));
}

/** loadModel refuses `bytes` as unsupported, and the reference family says `reason` for `op`. */
export async function expectRefused(t: Test, bytes: Uint8Array, op: string, reason: RegExp): Promise<void> {
  await t.rejects(loadModel(bytes), { code: 'ERR_XNNLITE_UNSUPPORTED_OP', message: new RegExp(`${op} #\\d+`) });
  t.match(referenceRefusal(bytes, op) ?? '', reason, `${op}: ${reason}`);
}

/** `bytes` with per-tensor quantization set on the tensors named (options of the op must be ones the quantizer can copy). */
export function withQuantization(bytes: Uint8Array, quantization: Record<string, { scale: number; zeroPoint: number }>): Uint8Array {
  const spec = toSpec(readModel(bytes));
  for (const tensor of spec.subgraphs[0].tensors) {
    const q = quantization[tensor.name ?? ''];
    if (q) tensor.quantization = { scale: [q.scale], zeroPoint: [q.zeroPoint], quantizedDimension: 0 };
  }
  return writeModel(spec);
}
