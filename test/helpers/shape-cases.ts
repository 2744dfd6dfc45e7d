// Shape rules against real models and against LiteRT.js. LiteRT.js cannot
// resize a model's inputs, and reports its outputs at their declared shapes;
// but TFLite's Prepare sizes the intermediate tensors itself (SLICE only those
// declared without a rank). So the probe model declares the operator's
// outputs as scalars and feeds each to SHAPE (and SHAPE of that, for its
// rank), cast to float32 graph outputs.
import { readModel } from '../../lib/model/reader';
import type { DType } from '../../lib/model/schema';
import type { SubgraphDef } from '../../lib/model/types';
import { writeModel, type OperatorSpec, type TensorSpec } from '../../lib/model/writer';
import { StaticValues } from '../../lib/core/static-values';
import { foldOf } from '../../lib/ops/registry';
import { propagateShapes } from '../../lib/plan/propagate-shapes';
import { deterministicInput } from './compare';
import { shape as shapeOptions } from './index-options';
import { runReferenceTyped } from './litert';
import type { OpCase } from './op-model';

/** LiteRT.js takes none of these at a model's edge: such inputs are int32 there, cast to the operator's type. */
const WRAPPED = new Set<DType>(['int8', 'int16', 'int64', 'bool']);
/** The probe's SHAPE outputs are declared this long: longer than any rank the cases reach. */
const MAX_RANK = 8;

/** An operator and new shapes for its run-time inputs, in input order. */
export interface ShapeCase {
  name: string;
  op: OpCase;
  resized: number[][];
  /** The operator's version, where LiteRT.js wants one above 1 (BROADCAST_TO). */
  version?: number;
}

interface Built {
  bytes: Uint8Array;
  /** The operator's index in the subgraph. */
  opIndex: number;
}

/** The operator with its run-time inputs at `shapes` (the case's own shapes without). With `probe`, its outputs feed SHAPE as described above. */
function build({ op: c, version }: ShapeCase, shapes: number[][] | undefined, probe: boolean): Built {
  const tensors: TensorSpec[] = [];
  const inputs: number[] = [];
  const operators: OperatorSpec[] = [];
  const add = (spec: TensorSpec) => tensors.push(spec) - 1;
  let runTime = 0;
  const opInputs = c.inputs.map((arg) => {
    if (!arg) return -1;
    const dtype = arg.dtype ?? 'float32';
    if (arg.data) return add({ shape: arg.shape, dtype, data: arg.data, quantization: arg.quantization, name: `in${tensors.length}` });
    const shape = shapes ? shapes[runTime] : arg.shape;
    runTime++;
    const index = add({ shape, dtype, quantization: arg.quantization, name: `in${tensors.length}` });
    if (!WRAPPED.has(dtype)) {
      inputs.push(index);
      return index;
    }
    const edge = add({ shape, dtype: 'int32', name: `in${tensors.length}_int32` });
    inputs.push(edge);
    operators.push({ op: 'CAST', inputs: [edge], outputs: [index] });
    return index;
  });
  const opOutputs = c.outputs.map((arg, k) => add({ shape: probe ? [] : arg.shape, dtype: arg.dtype ?? 'float32', quantization: arg.quantization, name: `out${k}` }));
  const opIndex = operators.push({ op: c.op, version, custom: c.custom, inputs: opInputs, outputs: opOutputs, options: c.options, customOptions: c.customOptions }) - 1;
  const outputs: number[] = [];
  if (!probe) outputs.push(...opOutputs);
  for (const out of probe ? opOutputs : []) {
    const dims = add({ shape: [MAX_RANK], dtype: 'int32', name: `dims${out}` });
    const rank = add({ shape: [1], dtype: 'int32', name: `rank${out}` });
    operators.push({ op: 'SHAPE', inputs: [out], outputs: [dims], options: shapeOptions('INT32') }, { op: 'SHAPE', inputs: [dims], outputs: [rank], options: shapeOptions('INT32') });
    for (const t of [dims, rank]) {
      const f = add({ shape: tensors[t].shape, dtype: 'float32', name: `${tensors[t].name}_f32` });
      operators.push({ op: 'CAST', inputs: [t], outputs: [f] });
      outputs.push(f);
    }
  }
  return { bytes: writeModel({ subgraphs: [{ tensors, inputs, outputs, operators }] }), opIndex };
}

/** The operator's output shapes at `resized` as its shape rules give them (propagated from the graph inputs), or the ShapeError. */
export function ruleShapes(c: ShapeCase): number[][] {
  const { bytes, opIndex } = build(c, undefined, false);
  const subgraph = readModel(bytes).subgraphs[0];
  const statics = new StaticValues(subgraph, 0, foldOf);
  const at = new Map(subgraph.inputs.map((t, k) => [t, c.resized[k]] as [number, number[]]));
  const out = propagateShapes(subgraph, statics, at).subgraph;
  return subgraph.operators[opIndex].outputs.map((t) => out.tensors[t].shape);
}

/** The operator's output shapes at `resized` as LiteRT.js (TFLite's Prepare) computes them. */
export async function liteRtShapes(c: ShapeCase): Promise<number[][]> {
  const { bytes } = build(c, c.resized, true);
  const model = readModel(bytes).subgraphs[0];
  const inputs = model.inputs.map((t, k) => {
    const n = model.tensors[t].shape.reduce((a, b) => a * b, 1);
    // Zeros are valid indices, sizes and coordinates for every operator here.
    return model.tensors[t].dtype === 'float32' ? deterministicInput(n, -2, 2, k + 1) : new Int32Array(n);
  });
  const values = await runReferenceTyped(bytes, inputs);
  const shapes: number[][] = [];
  for (let k = 0; k < values.length; k += 2) shapes.push(Array.from(values[k].slice(0, values[k + 1][0])));
  return shapes;
}

/**
 * Every tensor an operator computes, as `propagateShapes` derives it from
 * the graph inputs with every computed (and input) shape blanked out,
 * against the shape the file declares: the mismatches, as text.
 */
export function declaredShapeMismatches(bytes: Uint8Array): { checked: number; mismatches: string[] } {
  const subgraph = readModel(bytes).subgraphs[0];
  const statics = new StaticValues(subgraph, 0, foldOf);
  const computed = new Set<number>();
  for (const op of subgraph.operators) {
    if (!statics.isFolded(op.index)) for (const t of op.outputs) if (t >= 0) computed.add(t);
  }
  const blank = new Set([...computed, ...subgraph.inputs]);
  // Inputs are blanked too: propagateShapes returns a subgraph whose inputs already have the asked shapes as it is.
  const blanked: SubgraphDef = { ...subgraph, tensors: subgraph.tensors.map((t) => (blank.has(t.index) ? { ...t, shape: [] } : t)) };
  const out = propagateShapes(blanked, statics, new Map(subgraph.inputs.map((t) => [t, subgraph.tensors[t].shape] as [number, number[]]))).subgraph;
  const mismatches: string[] = [];
  for (const t of computed) {
    const [got, declared] = [out.tensors[t].shape, subgraph.tensors[t].shape];
    if (got.join() !== declared.join() || got.length !== declared.length) mismatches.push(`${subgraph.tensors[t].name}: [${got}], declared [${declared}]`);
  }
  return { checked: computed.size, mismatches };
}
