import { checkInteger, checkOptions } from './args';
import { loadModel, type Model } from './model';
import type { ModelSource } from './model-source';
import { DEFAULT_THREADS, type OperatorProfile, type TensorArray } from './session';
import type { TensorInfo } from './tensor-info';
import { arrayTypeOf, INTEGER_RANGES, isIntegerDType, perTensorQuantization, realToStored } from './tensor-values';

/** Options of `benchmarkModel()`. */
export interface BenchmarkOptions {
  /** Threads per inference. Default: as for sessions (CPUs, at most 4). */
  threads?: number;
  /** Timed inferences. Default 50, range 1 to 100000. */
  runs?: number;
  /** Untimed inferences after the first, before timing. Default 5, range 0 to 10000. */
  warmup?: number;
  /** Also report time per kind of XNNPACK operator (in the last run). Default false. */
  profile?: boolean;
  /** The signature to run (see `model.signatures`). Default: the model's first, or subgraph 0. */
  signature?: string;
  /** Input shapes to run at, by input name (as for `createSession`). */
  inputShapes?: Record<string, number[]>;
  /**
   * Items per inference: the first dimension of every input is set to it
   * (after `inputShapes`), for a model with a -1 or resizable batch.
   * `itemsPerSecond` then says what batching buys. Default: as declared.
   */
  batch?: number;
  /** Run the graph as xnnlite's rewrite rules reshape it (see SessionOptions.optimize). Default true. */
  optimize?: boolean;
  /** Called as the benchmark goes: phase, and how many of how many are done. */
  onProgress?: (phase: 'warmup' | 'runs', done: number, total: number) => void;
}

export interface LatencyStats {
  min: number;
  median: number;
  mean: number;
  p90: number;
  max: number;
}

/** The figures TFLite's benchmark_model reports, in milliseconds and bytes. */
export interface BenchmarkResult {
  threads: number;
  /** The input shapes the session ran at, by input name. */
  inputShapes: Record<string, number[]>;
  /** Items per inference: the first dimension of the first input. */
  batch: number;
  /** Throughput at the median latency: batch / median seconds. */
  itemsPerSecond: number;
  runs: number;
  warmup: number;
  /** Reading and verifying the file. */
  loadMs: number;
  /** Session creation: lowering and packing weights. */
  initMs: number;
  firstInferenceMs: number;
  /** Mean of the warmup inferences. */
  warmupMeanMs: number;
  inferenceMs: LatencyStats;
  /** Peak resident memory of the process so far. */
  peakRssBytes: number;
  /** With `profile: true`: time per kind of operator (XNNPACK's and the reference kernels') in the last run. */
  profile?: OperatorProfile[];
}

export function stats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return {
    min: sorted[0],
    median,
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p90: at(0.9),
    max: sorted[sorted.length - 1],
  };
}

/**
 * The fixed input a benchmark feeds input number `k`, in the input's own
 * dtype: a smooth signal in [0, 1] for a float input; for a quantized input
 * the same signal spread over the real range its integers cover, quantized;
 * for an integer input without quantization parameters, the signal spread
 * over the dtype's range; int32 and int64 inputs (token ids, indices) and
 * bool inputs get zeros, which every index operand accepts.
 */
function benchmarkInput(info: TensorInfo, k: number): TensorArray {
  const n = info.shape.reduce((a, b) => a * b, 1);
  const signal = Float32Array.from({ length: n }, (_, i) => 0.5 + 0.5 * Math.sin(i * 0.37 + k));
  const name = `input "${info.name}"`;
  if (info.dtype === 'int32' || info.dtype === 'int64' || info.dtype === 'bool') return new (arrayTypeOf(info.dtype))(n);
  if (!isIntegerDType(info.dtype)) return realToStored(info, signal, name);
  const [lo, hi] = INTEGER_RANGES[info.dtype];
  const q = perTensorQuantization(info, name);
  if (!q) return Int16Array.from(signal, (u) => Math.round(lo + u * (hi - lo)));
  const [realLo, realHi] = [(lo - q.zeroPoint) * q.scale, (hi - q.zeroPoint) * q.scale];
  return realToStored(info, signal.map((u) => realLo + u * (realHi - realLo)), name);
}

/** Every input's shape (from `inputShapes`, else the one of the session `signature` runs) with its first dimension set to `batch`. */
function batchShapes(model: Model, o: BenchmarkOptions, batch: number): Record<string, number[]> {
  const signature = o.signature === undefined ? undefined : model.signatures.find((s) => s.key === o.signature);
  const inputs = signature?.inputs ?? model.inputs;
  return Object.fromEntries(inputs.map((i) => {
    const shape = [...(o.inputShapes?.[i.name] ?? i.shape)];
    if (shape.length === 0) throw new RangeError(`options.batch: input ${JSON.stringify(i.name)} is a scalar, with no batch dimension`);
    shape[0] = batch;
    return [i.name, shape];
  }));
}

/**
 * Measures a model the way TFLite's `benchmark_model` does: load, session
 * creation, first inference, warmup, then timed inferences (each an async
 * `run()` on a fixed input in each input's own dtype), and the process's
 * peak resident memory.
 *
 * @example
 * const r = await benchmarkModel('model.tflite', { threads: 1, runs: 100 });
 * console.log(r.inferenceMs.median);
 */
export async function benchmarkModel(source: ModelSource, options?: BenchmarkOptions): Promise<BenchmarkResult> {
  const o = checkOptions<BenchmarkOptions>(options, 'options', ['threads', 'runs', 'warmup', 'profile', 'optimize', 'onProgress', 'signature', 'inputShapes', 'batch']);
  const threads = checkInteger(o.threads ?? DEFAULT_THREADS, 'options.threads', 1, 64);
  const runs = checkInteger(o.runs ?? 50, 'options.runs', 1, 100_000);
  const warmup = checkInteger(o.warmup ?? 5, 'options.warmup', 0, 10_000);
  const progress = o.onProgress ?? (() => {});

  let t = performance.now();
  const model = await loadModel(source, { threads });
  const loadMs = performance.now() - t;
  try {
    t = performance.now();
    const shapes = o.batch === undefined ? o.inputShapes : batchShapes(model, o, checkInteger(o.batch, 'options.batch', 1, 1 << 20));
    const session = await model.createSession({
      profile: o.profile === true, ...(o.optimize === undefined ? {} : { optimize: o.optimize }),
      ...(o.signature !== undefined ? { signature: o.signature } : {}), ...(shapes ? { inputShapes: shapes } : {}),
    });
    const initMs = performance.now() - t;
    const inputs = Object.fromEntries(session.inputs.map((info, k) => [info.name, benchmarkInput(info, k)]));
    t = performance.now();
    await session.run(inputs);
    const firstInferenceMs = performance.now() - t;
    let warmupTotal = 0;
    for (let i = 0; i < warmup; i++) {
      t = performance.now();
      await session.run(inputs);
      warmupTotal += performance.now() - t;
      progress('warmup', i + 1, warmup);
    }
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
      t = performance.now();
      await session.run(inputs);
      samples.push(performance.now() - t);
      progress('runs', i + 1, runs);
    }
    const inferenceMs = stats(samples);
    const batch = session.inputs[0]?.shape[0] ?? 1;
    return {
      threads,
      inputShapes: Object.fromEntries(session.inputs.map((i) => [i.name, [...i.shape]])),
      batch,
      itemsPerSecond: (1000 * batch) / inferenceMs.median,
      runs,
      warmup,
      loadMs,
      initMs,
      firstInferenceMs,
      warmupMeanMs: warmup ? warmupTotal / warmup : 0,
      inferenceMs,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
      ...(o.profile ? { profile: session.profile() } : {}),
    };
  } finally {
    model.dispose();
  }
}
