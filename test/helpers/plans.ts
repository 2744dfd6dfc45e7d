// Session plans for tests of the binding: one hand-built XNNPACK subgraph, or
// reference kernel calls over buffers, as lib/plan would describe them.
import { native, type NativeCacheRequest, type NativePlan, type NativeSubgraph } from '../../lib/native';
import { singlePartitionPlan } from '../../lib/plan/single-partition';
import type { KernelCall } from '../../lib/reference/program-builder';

const f32 = (shape: number[]) => ({ shape, elementBytes: 4 });

/** The plan of subgraph `g`, whose float32 external values are `inputs` then `outputs` (by shape). */
export function xnnPlan(g: NativeSubgraph, inputs: number[][], outputs: number[][]): NativePlan {
  return singlePartitionPlan(g, inputs.map(f32), outputs.map(f32));
}

/** A runtime of subgraph `g` (see xnnPlan). */
export function createXnnRuntime(g: NativeSubgraph, inputs: number[][], outputs: number[][], threads = 1, flags = 0, cache?: NativeCacheRequest) {
  return native().SessionRuntime.create(xnnPlan(g, inputs, outputs), threads, flags, cache);
}

export interface KernelProgram {
  /** Buffers: constants carry `data`, the rest are laid out one after another in the arena. */
  tensors: { bytes: number; data?: Uint8Array }[];
  inputs: { tensor: number; datatype: number; shape: number[] }[];
  outputs: { tensor: number; datatype: number; shape: number[] }[];
  ops: KernelCall[];
}

/** The plan of reference kernel calls over `program`'s buffers. */
export function kernelPlan(program: KernelProgram): NativePlan {
  let arenaBytes = 0;
  const tensors = program.tensors.map((t) => {
    if (t.data) return t;
    const offset = arenaBytes;
    arenaBytes += Math.ceil((t.bytes + 64) / 64) * 64;
    return { bytes: t.bytes, offset };
  });
  return { arenaBytes, tensors, inputs: program.inputs, outputs: program.outputs, steps: program.ops };
}
