/** Lowers one subgraph of a model onto one XNNPACK subgraph. */
import { ModelFormatError, UnsupportedOpError, XnnpackError } from '../errors';
import type { SubgraphDef, TensorDef, TfliteModel } from '../model/types';
import { native, type NativeSubgraph } from '../native';
import { GraphBuilder } from './builder';
import { planActivationFusion } from './fuse-activations';
import { lazyWeightTensors } from './lazy-weights';
import { planSubgraph, type PlannedOp } from './partition';
import { StaticValues } from './static-values';
import { domainOf } from './tensor-types';
import { buildProgram } from '../reference/program';
import type { Program } from '../reference/program-builder';

/** A subgraph ready for a runtime: an XNNPACK subgraph, or a program for the reference kernels. */
export type LoweredGraph = ({ runner: 'xnnpack'; subgraph: NativeSubgraph; hints: RuntimeHints } | { runner: 'reference'; program: Program }) & {
  /** Model tensors behind the runtime's external inputs and outputs, in external-id order. */
  inputs: TensorDef[];
  outputs: TensorDef[];
};

/** What XNNPACK is told about the graph when it plans it. */
export interface RuntimeHints {
  /**
   * The model stores weights in TFLite's sparse format, so its author pruned
   * it: XNNPACK may then run convolution chains in its sparse (NCHW) kernels.
   */
  sparse: boolean;
}

export function runtimeHints(analysis: SubgraphAnalysis): RuntimeHints {
  return { sparse: analysis.statics.sparseConstants > 0 };
}

export interface SubgraphAnalysis {
  index: number;
  subgraph: SubgraphDef;
  statics: StaticValues;
  plan: PlannedOp[];
}

/** Folds constants and checks every operator; reusable by every session of a model. */
export function analyzeSubgraph(model: TfliteModel, index = 0): SubgraphAnalysis {
  const subgraph = model.subgraphs[index];
  const statics = new StaticValues(subgraph, index);
  return { index, subgraph, statics, plan: planSubgraph(subgraph, statics) };
}

/** Throws UnsupportedOpError for the first operator that cannot run. */
export function ensureSupported(analysis: SubgraphAnalysis): void {
  const unsupported = analysis.plan.find((p) => p.reason);
  if (unsupported) throw new UnsupportedOpError(unsupported.node.op, unsupported.node.def.index, unsupported.reason!);
}

export interface LowerOptions {
  /** How float convolutions and fully-connected layers run; see SessionOptions.precision. */
  precision?: 'fp32' | 'fp16' | 'dynamic-int8';
}

export function lowerSubgraph(analysis: SubgraphAnalysis, options: LowerOptions = {}): LoweredGraph {
  const { plan, statics, subgraph, index } = analysis;
  ensureSupported(analysis);

  const inputs = subgraph.inputs.map((i) => subgraph.tensors[i]);
  const outputs = subgraph.outputs.map((i) => subgraph.tensors[i]);
  if (plan.some((p) => p.runner === 'reference')) {
    return { runner: 'reference', program: buildProgram(subgraph, statics, plan), inputs, outputs };
  }
  for (const t of [...inputs, ...outputs]) {
    const domain = domainOf(t, statics);
    if (domain !== 'float32' && domain !== 'int8' && domain !== 'uint8') {
      throw new UnsupportedOpError('graph', -1, `${inputs.includes(t) ? 'input' : 'output'} ${t.name}: ${domain}`);
    }
    if (t.shape.length > 6) throw new UnsupportedOpError('graph', -1, `tensor ${t.name} rank (got ${t.shape.length}, expected at most 6)`);
  }
  const externalIds = new Map<number, { id: number; input: boolean }>();
  inputs.forEach((t, k) => externalIds.set(t.index, { id: k, input: true }));
  const passThrough: Array<{ tensor: TensorDef; id: number }> = [];
  outputs.forEach((t, k) => {
    const id = inputs.length + k;
    if (externalIds.has(t.index)) passThrough.push({ tensor: t, id });
    else if (statics.isStatic(t)) throw new UnsupportedOpError('graph', -1, `output ${t.name} is a constant`);
    else externalIds.set(t.index, { id, input: false });
  });

  const { Subgraph, constants: C } = native();
  const nativeSubgraph = new Subgraph(inputs.length + outputs.length);
  try {
    const fusion = planActivationFusion(plan, subgraph);
    const g = new GraphBuilder(nativeSubgraph, statics, subgraph, externalIds, fusion.redirect, lazyWeightTensors(plan, subgraph, statics),
      options.precision ?? 'fp32');
    for (const t of inputs) {
      try {
        g.value(t);
      } catch (err) {
        if (err instanceof XnnpackError) {
          throw new ModelFormatError(`Model.subgraphs[${index}].tensors[${t.index}] (${t.name})`, `XNNPACK rejected the input: ${err.message}`, { cause: err });
        }
        throw err;
      }
    }
    for (const p of plan) {
      if (p.folded || fusion.removed.has(p.node.def.index)) continue;
      try {
        p.family!.lower(g, p.node);
      } catch (err) {
        if (err instanceof XnnpackError) {
          throw new ModelFormatError(`Model.subgraphs[${index}].operators[${p.node.def.index}] (${p.node.op})`,
            `XNNPACK rejected the operator: ${err.message}`, { cause: err });
        }
        throw err;
      }
    }
    for (const { tensor, id } of passThrough) {
      if (tensor.dtype !== 'float32') throw new UnsupportedOpError('graph', -1, `output ${tensor.name} is also an input (supported for float32 only)`);
      const out = nativeSubgraph.defineTensor(C.datatype.fp32, tensor.shape, null, id, C.valueFlags.externalOutput);
      nativeSubgraph.defineCopy(g.value(tensor), out, 0);
    }
    return { runner: 'xnnpack', subgraph: nativeSubgraph, hints: runtimeHints(analysis), inputs, outputs };
  } catch (err) {
    nativeSubgraph.dispose();
    throw err;
  }
}
