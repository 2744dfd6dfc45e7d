/** What a model's subgraph needs before any session: its constants folded and every operator placed. */
import { ShapeError, UnsupportedOpError } from '../errors';
import type { SubgraphDef, TfliteModel } from '../model/types';
import { DEFAULT_LIMITS, tensorBytes, type ModelLimits } from '../model/validate';
import { StaticValues } from '../core/static-values';
import { foldOf } from '../ops/registry';
import { isSessionDType } from '../tensor-values';
import { rewriteSubgraph, type RewriteRecord } from '../rewrite';
import { placeOperators, type PlacedOp } from './placement';
import { propagateShapes, type CallShapes } from './propagate-shapes';

export interface SubgraphAnalysis {
  index: number;
  subgraph: SubgraphDef;
  statics: StaticValues;
  placed: PlacedOp[];
  /** What the rewrite stage changed (lib/rewrite); empty when it was off or found nothing. */
  rewrites: RewriteRecord[];
}

/** What XNNPACK is told about the graph when it plans it. */
export interface RuntimeHints {
  /**
   * The model stores weights in TFLite's sparse format, so its author pruned
   * it: XNNPACK may then run convolution chains in its sparse (NCHW) kernels.
   */
  sparse: boolean;
}

export interface AnalysisOptions {
  /** Rewrite the graph into forms XNNPACK runs faster (lib/rewrite) before placing it. Default false. */
  optimize?: boolean;
}

/** Folds constants, rewrites the graph if asked, and places every operator; reusable by every session of a model. */
export function analyzeSubgraph(model: TfliteModel, index = 0, options: AnalysisOptions = {}): SubgraphAnalysis {
  const subgraph = model.subgraphs[index];
  const statics = new StaticValues(subgraph, index, foldOf);
  if (options.optimize) {
    const rewritten = rewriteSubgraph(model, index, statics);
    if (rewritten.applied.length > 0) {
      const rewrittenStatics = new StaticValues(rewritten.subgraph, index, foldOf);
      const placed = placeOperators(rewritten.subgraph, rewrittenStatics);
      // The rules only produce operators the backends run; should one not run, the file's graph is used as it is.
      if (placed.every((p) => !p.reason)) return { index, subgraph: rewritten.subgraph, statics: rewrittenStatics, placed, rewrites: rewritten.applied };
    }
  }
  return { index, subgraph, statics, placed: placeOperators(subgraph, statics), rewrites: [] };
}

/**
 * The analysis at other input shapes (tensor index -> shape): the shapes
 * propagated through every operator, each tensor held to the model's size
 * limits, and the operators placed again (a backend's limits can depend on
 * shapes). `calls` gives the shapes of control-flow operators' outputs.
 * ShapeError when the shapes do not fit the model.
 */
export function analysisAtShapes(analysis: SubgraphAnalysis, shapes: ReadonlyMap<number, readonly number[]>, limits: ModelLimits = DEFAULT_LIMITS,
  calls?: CallShapes): SubgraphAnalysis {
  const { subgraph, statics } = propagateShapes(analysis.subgraph, analysis.statics, shapes, calls);
  if (subgraph === analysis.subgraph) return analysis;
  let total = 0;
  for (const t of subgraph.tensors) {
    total += tensorBytes(t, limits, (problem) => new ShapeError(`tensor ${t.index} (${t.name}): ${problem}`));
    if (total > limits.maxTotalBytes) throw new ShapeError(`the tensors at these shapes need more than ${limits.maxTotalBytes} bytes`);
  }
  const resized = { ...analysis, subgraph, statics, placed: placeOperators(subgraph, statics) };
  try {
    ensureSupported(resized);
  } catch (err) {
    if (err instanceof UnsupportedOpError) throw new ShapeError(`at these shapes, ${err.message}`, { cause: err });
    throw err;
  }
  return resized;
}

/** Throws UnsupportedOpError for the first operator that cannot run, or an input or output sessions cannot take or give. */
export function ensureSupported(analysis: SubgraphAnalysis): void {
  const unsupported = analysis.placed.find((p) => p.reason);
  if (unsupported) throw new UnsupportedOpError(unsupported.node.op, unsupported.node.def.index, unsupported.reason!);
  const { subgraph, statics } = analysis;
  for (const [side, list] of [['input', subgraph.inputs], ['output', subgraph.outputs]] as const) {
    for (const i of list) {
      const t = subgraph.tensors[i];
      const dtype = statics.get(t)?.dtype ?? t.dtype;
      if (!isSessionDType(t.dtype) || dtype !== t.dtype) {
        throw new UnsupportedOpError('graph', -1, `${side} ${t.name}: ${dtype} (expected float32, int8, uint8, int16, int32, int64 or bool)`);
      }
      if (side === 'output' && statics.isStatic(t)) throw new UnsupportedOpError('graph', -1, `output ${t.name} is a constant`);
    }
  }
}

export function runtimeHints(analysis: SubgraphAnalysis): RuntimeHints {
  return { sparse: analysis.statics.sparseConstants > 0 };
}

/** Whether any operator runs on XNNPACK (and so packs weights, which the weight cache keeps). */
export function packsWeights(analysis: SubgraphAnalysis): boolean {
  return analysis.placed.some((p) => p.runner === 'xnnpack');
}
