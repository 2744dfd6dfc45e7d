import { analyzeSubgraph, packsWeights, runtimeHints } from './plan/analysis';
import { planActivationFusion } from './plan/fuse-activations';
import { partition } from './plan/partition';
import { loadBytes, type ModelSource } from './model-source';
import { readModel } from './model/reader';
import type { DType } from './model/schema';
import { entryPoints, entrySubgraph } from './plan/entry-point';
import { entryTensorInfo, type SignatureInfo, type TensorInfo } from './tensor-info';

/** Where one operator runs. */
export interface OperatorPlacement {
  index: number;
  op: string;
  /**
   * `xnnpack`; `reference` (xnnlite's own C++ kernels, for operators or
   * types XNNPACK has no kernels for); `folded` (a constant transform done at
   * load); `control` (control flow and resource variables, which the
   * session's program runs, calling other subgraphs); `unsupported`, with the reason.
   */
  runsOn: 'xnnpack' | 'reference' | 'folded' | 'control' | 'unsupported';
  reason?: string;
  /** The step of the session plan it runs in (an index into `steps`), when every operator can run. */
  step?: number;
  macs: number;
}

/** One step of a session: an XNNPACK partition (one XNNPACK runtime) or one operator on the reference kernels. */
export interface PlanStep {
  runsOn: 'xnnpack' | 'reference';
  /** Operator indices, in the order they run (a standalone activation fused into its producer runs with it). */
  operators: number[];
}

export interface ModelReport {
  byteLength: number;
  version: number;
  description: string;
  /** The inputs of a default session (the first signature's, else subgraph 0's); `shapeSignature` marks dimensions a session may set. */
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  /** Operator counts by type. */
  operators: Record<string, number>;
  placement: OperatorPlacement[];
  /** The steps a session runs, in order; empty when an operator cannot run. */
  steps: PlanStep[];
  /** True when every operator can run. */
  supported: boolean;
  /** Constant tensors (weights) by stored type: how many, and their bytes in the file. */
  weights: Partial<Record<DType, { tensors: number; bytes: number }>>;
  /**
   * Whether sessions hint XNNPACK to use its sparse kernels: the model stores
   * weights in TFLite's sparse format (a pruned model).
   */
  sparseInference: boolean;
  /** Multiply-accumulates of one inference (convolutions, fully-connected and matrix products). */
  macs: number;
  metadataNames: string[];
  /** The model's signatures (named entry points), with their inputs and outputs. */
  signatures: SignatureInfo[];
  /** Every subgraph. `placement` and `steps` are of the one a default session runs (the first signature's, else subgraph 0). */
  subgraphs: { index: number; name: string; operators: number; tensors: number }[];
  /**
   * What sessions rewrite before running (unless created with `optimize: false`):
   * each rule applied and the operators it replaced (indices into `placement`).
   * `placement` and `steps` describe the file's operators as they are.
   */
  rewrites: { rule: string; operators: number[] }[];
}

/**
 * Reads a model and reports what it contains and where each operator would
 * run, without creating a session. Unlike loadModel, a model with
 * unsupported operators is reported, not refused.
 *
 * @throws {ModelFormatError} if the file is malformed.
 * @example
 * const report = await inspectModel('model.tflite');
 * console.log(report.supported, report.operators, report.macs);
 */
export async function inspectModel(source: ModelSource): Promise<ModelReport> {
  const { bytes, mapping } = await loadBytes(source);
  try {
    const model = readModel(bytes);
    const entries = entryPoints(model);
    const main = entries[0];
    const analysis = analyzeSubgraph(model, main.subgraphIndex);
    const { placed, statics } = analysis;
    const subgraph = entrySubgraph(analysis.subgraph, main);
    const placement = placed.map((p): OperatorPlacement => ({
      index: p.node.def.index,
      op: p.node.op,
      runsOn: p.reason ? 'unsupported' : p.folded ? 'folded' : p.control ? 'control' : p.runner!,
      ...(p.reason ? { reason: p.reason } : {}),
      macs: p.runner === 'xnnpack' && p.lowering?.macs ? p.lowering.macs(p.node) : 0,
    }));
    const steps: PlanStep[] = [];
    // A subgraph with control flow runs as a program of steps between its control operators (lib/program); they are not listed here.
    if (placed.every((p) => !p.reason && !p.control)) {
      const fusion = planActivationFusion(placed, subgraph);
      for (const step of partition(placed, subgraph, statics, fusion)) {
        const operators: number[] = [];
        for (const p of step.ops) {
          operators.push(p.node.def.index);
          const fused = placed.find((q) => fusion.removed.has(q.node.def.index) && q.node.def.inputs[0] === p.node.def.outputs[0]);
          if (fused) operators.push(fused.node.def.index);
        }
        for (const i of operators) placement[i].step = steps.length;
        steps.push({ runsOn: step.runner, operators });
      }
    }
    const weights: ModelReport['weights'] = {};
    for (const t of subgraph.tensors) {
      if (!t.data) continue;
      const entry = (weights[t.dtype] ??= { tensors: 0, bytes: 0 });
      entry.tensors++;
      entry.bytes += t.data.length;
    }
    const operators: Record<string, number> = {};
    for (const p of placement) operators[p.op] = (operators[p.op] ?? 0) + 1;
    const io = entryTensorInfo(main, subgraph);
    return {
      byteLength: bytes.length,
      version: model.version,
      description: model.description,
      inputs: io.inputs,
      outputs: io.outputs,
      operators,
      placement,
      steps,
      supported: placement.every((p) => p.runsOn !== 'unsupported'),
      weights,
      sparseInference: runtimeHints(analysis).sparse && packsWeights(analysis),
      macs: placement.reduce((sum, p) => sum + p.macs, 0),
      metadataNames: model.metadata.map((m) => m.name),
      signatures: entries.filter((e) => e.signature !== undefined)
        .map((e) => ({ key: e.signature!, subgraphIndex: e.subgraphIndex, ...entryTensorInfo(e, model.subgraphs[e.subgraphIndex]) })),
      subgraphs: model.subgraphs.map((sg, index) => ({ index, name: sg.name, operators: sg.operators.length, tensors: sg.tensors.length })),
      rewrites: analyzeSubgraph(model, main.subgraphIndex, { optimize: true }).rewrites.map((r) => ({ rule: r.rule, operators: [...r.operators] })),
    };
  } finally {
    mapping?.close();
  }
}
