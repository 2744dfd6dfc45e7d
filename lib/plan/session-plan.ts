/**
 * The plan of one session: the steps it runs (XNNPACK partitions, each
 * lowered to a native Subgraph, and reference kernel calls), the tensors
 * they exchange placed in one arena, and the constants the reference
 * kernels read. native/session_runtime.cc executes it.
 */
import { DTYPE_NAMES } from '../model/schema';
import type { SubgraphDef, TensorDef } from '../model/types';
import { native, type NativePlan, type NativeStep, type NativeSubgraph } from '../native';
import { lowerPartition } from '../xnnpack/lower';
import type { RecordedCall } from '../xnnpack/recording-subgraph';
import { ProgramBuilder } from '../reference/program-builder';
import { ensureSupported, runtimeHints, type RuntimeHints, type SubgraphAnalysis } from './analysis';
import { planArena } from './arena';
import { planActivationFusion } from './fuse-activations';
import { lazyWeightTensors } from './lazy-weights';
import { partition, type Step } from './partition';
import { TensorTable } from './tensor-table';

/** What a native runtime is made from: a plan, planned now or made again from its record (lib/plan/plan-record.ts). */
export interface RuntimePlan {
  native: NativePlan;
  /** The partitions' subgraphs, consumed when the runtime is created (see disposeSessionPlan). */
  subgraphs: NativeSubgraph[];
  subgraphIndex: number;
  hints: RuntimeHints;
  /** Made again from a record rather than planned now. */
  recorded?: boolean;
}

export interface SessionPlan extends RuntimePlan {
  /** With `PlanOptions.record`: each subgraph's define calls, in the order of `subgraphs`. */
  logs?: RecordedCall[][];
  steps: Step[];
  inputs: TensorDef[];
  outputs: TensorDef[];
  /** The subgraph at the shapes the plan runs it (its entry point's view). */
  subgraph: SubgraphDef;
}

export interface PlanOptions {
  /** How float convolutions and fully-connected layers run on XNNPACK; see SessionOptions.precision. */
  precision?: 'fp32' | 'fp16' | 'dynamic-int8';
  /** Record the define calls, so that the plan can be recorded (lib/plan/plan-record.ts). */
  record?: boolean;
}

/** Releases the subgraphs of a plan that will not be executed. */
export function disposeSessionPlan(plan: Pick<RuntimePlan, 'subgraphs'>): void {
  for (const s of plan.subgraphs) s.dispose();
}

export function buildSessionPlan(analysis: SubgraphAnalysis, options: PlanOptions = {}): SessionPlan {
  ensureSupported(analysis);
  const { subgraph, statics, placed, index } = analysis;
  const fusion = planActivationFusion(placed, subgraph);
  const steps = partition(placed, subgraph, statics, fusion);
  const lazy = lazyWeightTensors(placed, subgraph, statics, options.precision ?? 'fp32');
  const table = new TensorTable(statics, subgraph);
  const lastStep = Math.max(0, steps.length - 1);

  const inputs = subgraph.inputs.map((i) => subgraph.tensors[i]);
  const outputs = subgraph.outputs.map((i) => subgraph.tensors[i]);
  const inputIds = inputs.map((t) => table.use(t));

  // Which steps read each tensor: a partition's outputs are what other steps (or the session) read.
  const readers = new Map<number, Set<number>>();
  steps.forEach((step, s) => {
    for (const p of step.ops) for (const i of p.node.def.inputs) if (i >= 0) (readers.get(i) ?? readers.set(i, new Set()).get(i)!).add(s);
  });
  const graphOutputs = new Set(subgraph.outputs);

  const subgraphs: NativeSubgraph[] = [];
  const logs: RecordedCall[][] | undefined = options.record ? [] : undefined;
  const nativeSteps: NativeStep[] = [];
  try {
    steps.forEach((step, s) => {
      table.step = s;
      if (step.runner === 'reference') {
        const b = new ProgramBuilder(table);
        step.ops[0].reference!.encode(b, step.ops[0].node);
        nativeSteps.push(...b.calls);
        return;
      }
      const written = new Set<number>();
      for (const p of step.ops) for (const o of p.node.def.outputs) written.add(fusion.redirect.get(o)?.into.index ?? o);
      const partInputs = new Set<number>();
      for (const p of step.ops) {
        for (const i of p.node.def.inputs) if (i >= 0 && !written.has(i) && !statics.isStatic(subgraph.tensors[i])) partInputs.add(i);
      }
      const partOutputs = [...written].filter((t) => graphOutputs.has(t) || [...readers.get(t) ?? []].some((r) => r !== s));
      const externals = [...partInputs, ...partOutputs].map((i) => subgraph.tensors[i]);
      const nativeSubgraph = lowerPartition({
        subgraph, statics, subgraphIndex: index, ops: step.ops.map((p) => ({ node: p.node, lowering: p.lowering! })),
        externals, inputCount: partInputs.size, redirects: fusion.redirect, lazy, precision: options.precision ?? 'fp32',
      }, logs ? logs[logs.push([]) - 1] : undefined);
      subgraphs.push(nativeSubgraph);
      nativeSteps.push({ subgraph: nativeSubgraph, externals: externals.map((t) => table.use(t)) });
    });
    table.step = lastStep;
    const outputIds = outputs.map((t) => {
      const id = table.use(t);
      table.keepToEnd(id, lastStep);
      return id;
    });

    const arenaTensors = table.tensors.filter((t) => !t.data);
    const layout = planArena(arenaTensors, native().constants.extraBytes);
    const offsets = new Map(arenaTensors.map((t, k) => [t, layout.offsets[k]]));
    const edge = (id: number) => {
      const t = table.tensors[id].def;
      return { tensor: id, datatype: DTYPE_NAMES.indexOf(t.dtype), shape: [...t.shape] };
    };
    const nativePlan: NativePlan = {
      arenaBytes: layout.bytes,
      tensors: table.tensors.map((t) => ({
        bytes: t.bytes,
        name: `Model.subgraphs[${index}].tensors[${t.def.index}] (${t.def.name})`,
        ...(t.data ? { data: t.data } : { offset: offsets.get(t)! }),
      })),
      inputs: inputIds.map(edge),
      outputs: outputIds.map(edge),
      steps: nativeSteps,
    };
    return { native: nativePlan, subgraphs, ...(logs ? { logs } : {}), steps, inputs, outputs, subgraph, subgraphIndex: index, hints: runtimeHints(analysis) };
  } catch (err) {
    for (const s of subgraphs) s.dispose();
    throw err;
  }
}
