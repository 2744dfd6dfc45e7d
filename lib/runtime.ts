/**
 * What a session runs its inferences on: the native runtime of one plan, or
 * a program of several (lib/program/program-runtime.ts) for models with
 * control flow and variables.
 */
import { ModelFormatError, XnnpackError } from './errors';
import { touchCacheFile } from './cache/files';
import { emitCacheWarning } from './cache/weight-cache';
import { native, type NativeCacheRequest, type NativePackedWeights, type NativeRuntime } from './native';
import { disposeSessionPlan, type RuntimePlan } from './plan/session-plan';
import type { ResolvedSessionOptions, WeightCacheInfo } from './session';

export interface Runtime {
  /** Runs on the calling thread. Arrays in the order of the session's inputs and outputs. */
  invoke(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): void;
  /** Copies inputs now, runs off the JavaScript thread, writes into `outputs`. */
  invokeAsync(inputs: ArrayBufferView[], outputs: ArrayBufferView[]): Promise<void>;
  /** Per-operator times of the last inference. */
  profile(): { name: string; microseconds: number }[];
  /** Asks a run in progress to end early (a loop stops at its next iteration); dispose() follows once it has. */
  stop?(): void;
  /** Forgets the values of resource variables: the next run initialises them again. */
  resetVariables?(): void;
  /** The weights it packed in memory (without a cache file), for the session's next runtime. */
  packedWeights?(): NativePackedWeights | undefined;
  dispose(): void;
}

/**
 * A native runtime for `plan` (consumed, whatever happens), and what the weight cache did for it. Without
 * a cache file, `packed` (the session's previous runtime's) supplies the weights packed already.
 */
export async function createRuntime(plan: RuntimePlan, options: ResolvedSessionOptions, cache: NativeCacheRequest | undefined, packed?: NativePackedWeights):
  Promise<{ runtime: NativeRuntime; cacheInfo: WeightCacheInfo | undefined }> {
  let runtime: NativeRuntime;
  const { constants: C, SessionRuntime } = native();
  try {
    // Pool threads sleep between inferences instead of spinning, so that an
    // idle session does not take CPU from other sessions or processes.
    const flags = (options.profile ? C.runtimeFlags.basicProfiling : 0) | (options.threads > 1 ? C.runtimeFlags.yieldWorkers : 0)
      | (options.precision === 'fp16' ? C.runtimeFlags.forceFp16Inference : 0)
      | (plan.hints.sparse ? C.runtimeFlags.hintSparseInference : 0);
    // Reference kernels pack nothing: only XNNPACK partitions use the weight cache.
    runtime = await SessionRuntime.create(plan.native, options.threads, flags, plan.subgraphs.length > 0 ? cache : undefined, cache ? undefined : packed?.handle);
  } catch (err) {
    disposeSessionPlan(plan);
    // Shapes that do not fit together surface when XNNPACK plans the graph.
    if (err instanceof XnnpackError && (err.statusName === 'invalid parameter' || err.statusName === 'unsupported parameter')) {
      throw new ModelFormatError(`Model.subgraphs[${plan.subgraphIndex}]`, `XNNPACK could not plan the graph: ${err.message}`, { cause: err });
    }
    const { code, tensor } = err as { code?: unknown; tensor?: unknown };
    if (code === 'ERR_XNNLITE_SHAPE_MISMATCH' && typeof tensor === 'string') throw new ModelFormatError(tensor, (err as Error).message, { cause: err });
    throw err;
  }
  const report = runtime.cacheReport();
  for (const warning of report?.warnings ?? []) emitCacheWarning(warning);
  const cacheInfo: WeightCacheInfo | undefined = report && cache
    ? { state: report.state, path: cache.path, bytes: report.bytes, plan: plan.recorded ? 'recorded' : 'planned' } : undefined;
  if (cacheInfo?.state === 'mapped') touchCacheFile(cacheInfo.path);
  return { runtime, cacheInfo };
}

