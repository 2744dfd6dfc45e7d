/**
 * What an optimization cost and bought, in one shape for every tool
 * (pruning, clustering, quantization): file sizes raw and compressed, the
 * speed of both models measured in one run, the error of each output on
 * held-out samples, and what the filters look like before and after.
 */
import zlib from 'node:zlib';
import { checkInteger, checkOptions, invalid, isPlainObject } from '../args';
import { benchmarkModel } from '../benchmark';
import { accuracyGap } from './accuracy';
import { loadModel, type Model } from '../model';
import { loadBytes, type ModelSource } from '../model-source';
import { readModel } from '../model/reader';
import { toSpec } from '../quantize/rewrite';
import type { TensorInfo } from '../tensor-info';
import type { KeptOperator } from '../quantize/mixed-precision';
import { ModelEdit } from './model-edit';
import { findWeights } from './weights';

export interface FileSizes {
  raw: number;
  /** gzip at its default level 6, as servers compress. */
  gzip: number;
  /** Brotli at quality 11, as pre-compressed assets are. */
  brotli: number;
}

export interface OutputError {
  name: string;
  maxAbs: number;
  meanAbs: number;
  /** The largest |value| of the original's output over the samples. */
  scale: number;
  /** maxAbs / scale: 0.01 is 1% of the output's scale. */
  relative: number;
  /** For class-score outputs ([K] or [1, K], K > 1): fraction of samples where both models pick the same top class. */
  top1Agreement?: number;
}

/** The filters of convolutions and fully-connected layers (float32 or FP16). */
export interface WeightSummary {
  filters: number;
  weights: number;
  zeros: number;
  /** Filters stored in TFLite's sparse format. */
  sparseFilters: number;
  /** Most distinct values in one filter. */
  maxDistinct: number;
  /** Output channels of all CONV_2D operators. */
  convolutionChannels: number;
}

export interface SpeedComparison {
  /** Median inference time of each model, in milliseconds (median over rounds of each round's median). */
  beforeMs: number;
  afterMs: number;
  /** beforeMs / afterMs: above 1, the optimized model is faster. */
  speedup: number;
  threads: number;
  /** Rounds of `runs` timed inferences, the two models alternating. */
  rounds: number;
  runs: number;
}

export interface OptimizationReport {
  size: { before: FileSizes; after: FileSizes };
  /** Absent when the report was asked for without timing (`speed: false`). */
  speed?: SpeedComparison;
  accuracy: { samples: number; synthetic: boolean; outputs: OutputError[] };
  weights: { before: WeightSummary; after: WeightSummary };
  /** What the tool did and did not do, as it told (e.g. `prune()`'s `onNotes`). */
  notes: string[];
  /** Mixed precision: the operators kept at a higher precision, with each one's sensitivity. */
  kept?: KeptOperator[];
}

/** Options of `optimizationReport()`. */
export interface OptimizationReportOptions {
  /** Held-out input records (input name to Float32Array), none used to make the model. Default: `syntheticSamples` deterministic inputs in [0, 1]. */
  samples?: Iterable<Record<string, Float32Array>>;
  /** How many synthetic inputs without `samples`. Default 8. */
  syntheticSamples?: number;
  /** Timing: `false` to skip it, or rounds, runs per round and threads. Default { rounds: 3, runs: 20, threads: 1 }. */
  speed?: false | { rounds?: number; runs?: number; threads?: number };
  /** Lines to carry in the report, e.g. from a tool's `onNotes`. */
  notes?: string[];
  /** Mixed precision: the operators quantize() kept at a higher precision (its result's `kept`). */
  kept?: KeptOperator[];
  /** Called as the report is measured. */
  onProgress?: (phase: 'accuracy' | 'speed', done: number, total: number) => void;
}

export function fileSizes(bytes: Uint8Array): FileSizes {
  return {
    raw: bytes.length,
    gzip: zlib.gzipSync(bytes).length,
    brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length,
  };
}

export function weightSummary(bytes: Uint8Array): WeightSummary {
  const model = new ModelEdit(toSpec(readModel(bytes)));
  const summary: WeightSummary = { filters: 0, weights: 0, zeros: 0, sparseFilters: 0, maxDistinct: 0, convolutionChannels: 0 };
  for (const { constant } of findWeights(model).weights) {
    summary.filters++;
    summary.weights += constant.values.length;
    for (const v of constant.values) if (v === 0) summary.zeros++;
    if (constant.sparse) summary.sparseFilters++;
    summary.maxDistinct = Math.max(summary.maxDistinct, new Set(constant.values).size);
  }
  for (const op of model.ops) if (op.op === 'CONV_2D' && op.inputs[1] >= 0) summary.convolutionChannels += model.tensors[op.inputs[1]].shape[0] ?? 0;
  return summary;
}

/** Deterministic inputs in [0, 1] for each of `inputs`; sample `s` differs from every other. */
export function* syntheticSamples(inputs: readonly TensorInfo[], count: number): Generator<Record<string, Float32Array>> {
  for (let s = 0; s < count; s++) {
    yield Object.fromEntries(inputs.map((info, k) => {
      let state = ((s * 31 + k + 1) * 2654435761) >>> 0;
      const n = info.shape.reduce((a, b) => a * b, 1);
      return [info.name, Float32Array.from({ length: n }, () => {
        state = (state * 1664525 + 1013904223) >>> 0;
        return state / 4294967296;
      })];
    }));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function compareSpeed(before: Uint8Array, after: Uint8Array, rounds: number, runs: number, threads: number, progress: (done: number, total: number) => void): Promise<SpeedComparison> {
  const a: number[] = [];
  const b: number[] = [];
  const time = async (bytes: Uint8Array) => (await benchmarkModel(bytes, { threads, runs, warmup: 3 })).inferenceMs.median;
  // The process's first inferences run cold (thread pool start, page faults, clock ramp-up): one untimed pass of each first.
  await benchmarkModel(before, { threads, runs: 1, warmup: 1 });
  await benchmarkModel(after, { threads, runs: 1, warmup: 1 });
  for (let r = 0; r < rounds; r++) {
    // Alternating, first one then the other (ABBA...), so that the machine's drift over the run
    // (other processes, clock, a cold first round) falls on both alike.
    if (r % 2 === 0) a.push(await time(before));
    b.push(await time(after));
    if (r % 2 === 1) a.push(await time(before));
    progress(r + 1, rounds);
  }
  const beforeMs = median(a);
  const afterMs = median(b);
  return { beforeMs, afterMs, speedup: beforeMs / afterMs, threads, rounds, runs };
}

function checkReportOptions(options: unknown) {
  const o = checkOptions<OptimizationReportOptions>(options, 'options', ['samples', 'syntheticSamples', 'speed', 'notes', 'kept', 'onProgress']);
  const samples = o.samples as unknown as Record<symbol, unknown> | undefined;
  if (samples !== undefined && (samples === null || typeof samples !== 'object' || typeof samples[Symbol.iterator] !== 'function')) {
    throw invalid('an iterable of input records', 'options.samples', o.samples);
  }
  const synthetic = checkInteger(o.syntheticSamples ?? 8, 'options.syntheticSamples', 1, 10_000);
  let speed: { rounds: number; runs: number; threads: number } | undefined;
  if (o.speed !== false) {
    if (o.speed !== undefined && !isPlainObject(o.speed)) throw invalid('false or { rounds, runs, threads }', 'options.speed', o.speed);
    const s = checkOptions<{ rounds: number; runs: number; threads: number }>(o.speed, 'options.speed', ['rounds', 'runs', 'threads']);
    speed = {
      rounds: checkInteger(s.rounds ?? 3, 'options.speed.rounds', 1, 100),
      runs: checkInteger(s.runs ?? 20, 'options.speed.runs', 1, 100_000),
      threads: checkInteger(s.threads ?? 1, 'options.speed.threads', 1, 64),
    };
  }
  if (o.notes !== undefined && !(Array.isArray(o.notes) && o.notes.every((n) => typeof n === 'string'))) throw invalid('an array of strings', 'options.notes', o.notes);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('a function', 'options.onProgress', o.onProgress);
  if (o.kept !== undefined && !(Array.isArray(o.kept) && o.kept.every((k) => isPlainObject(k) && Number.isInteger(k.index) && typeof k.op === 'string'))) {
    throw invalid('an array of { index, op, precision, sensitivity? } (quantize()\'s kept)', 'options.kept', o.kept);
  }
  return { samples: o.samples, synthetic, speed, notes: o.notes ?? [], kept: o.kept, onProgress: o.onProgress ?? (() => {}) };
}

/**
 * Measures what an optimization did to a model: `before` the original,
 * `after` the file a tool (prune, cluster, quantize) made from it, both with
 * the same inputs and outputs.
 *
 * @example
 * const pruned = await prune('model.tflite', { sparsity: 0.5 });
 * const report = await optimizationReport('model.tflite', pruned, { samples: heldOut });
 * console.log(formatReport(report));
 */
export async function optimizationReport(before: ModelSource, after: ModelSource, options?: OptimizationReportOptions): Promise<OptimizationReport> {
  const o = checkReportOptions(options);
  const [a, b] = [await loadBytes(before), await loadBytes(after)];
  let original: Model | undefined;
  let optimized: Model | undefined;
  try {
    original = await loadModel(a.bytes, { threads: 1 });
    optimized = await loadModel(b.bytes, { threads: 1 });
    const sa = await original.createSession();
    const sb = await optimized.createSession();
    const samples = o.samples ?? syntheticSamples(sa.inputs, o.synthetic);
    const expected = o.samples ? undefined : o.synthetic;
    let done = 0;
    const counted = (function* () {
      for (const s of samples) {
        yield s;
        o.onProgress('accuracy', ++done, expected ?? done);
      }
    })();
    const gap = await accuracyGap(sa, sb, counted);
    const speed = o.speed && await compareSpeed(a.bytes, b.bytes, o.speed.rounds, o.speed.runs, o.speed.threads, (d, t) => o.onProgress('speed', d, t));
    return {
      size: { before: fileSizes(a.bytes), after: fileSizes(b.bytes) },
      ...(speed ? { speed } : {}),
      accuracy: {
        samples: gap.count,
        synthetic: o.samples === undefined,
        outputs: gap.outputs.map((g) => ({
          name: g.name, maxAbs: g.maxAbs, meanAbs: g.meanAbs, scale: g.maxReference,
          relative: g.maxAbs === 0 ? 0 : g.maxAbs / g.maxReference,
          ...(g.top1Agreement !== undefined ? { top1Agreement: g.top1Agreement } : {}),
        })),
      },
      weights: { before: weightSummary(a.bytes), after: weightSummary(b.bytes) },
      notes: [...o.notes],
      ...(o.kept ? { kept: o.kept.map((k) => ({ ...k })) } : {}),
    };
  } finally {
    original?.dispose();
    optimized?.dispose();
    a.mapping.close();
    b.mapping.close();
  }
}
