import type { DType } from './model/schema';
import type { SubgraphDef, TensorDef } from './model/types';
import type { EntryPoint } from './plan/entry-point';

/** Public description of a model input or output. */
export interface TensorInfo {
  /** Name in the model; the key of this tensor in `run()` inputs and outputs. */
  name: string;
  /** Index of the tensor in the model's subgraph. */
  index: number;
  shape: number[];
  /**
   * Present when the model leaves dimensions open: the shape with -1 for
   * each dimension a session may set (`createSession({ inputShapes })`,
   * `session.resize()`). Other dimensions may change too where every
   * operator allows it (a batch, usually).
   */
  shapeSignature?: number[];
  dtype: DType;
  /** Present for quantized tensors: real = scale * (q - zeroPoint). */
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number };
}

export function tensorInfo(t: TensorDef, name = t.name): TensorInfo {
  const info: TensorInfo = { name, index: t.index, shape: [...t.shape], dtype: t.dtype };
  if (t.shapeSignature?.includes(-1)) info.shapeSignature = [...t.shapeSignature];
  if (t.quantization && t.quantization.scale.length > 0) {
    info.quantization = {
      scale: [...t.quantization.scale],
      zeroPoint: [...t.quantization.zeroPoint],
      quantizedDimension: t.quantization.quantizedDimension,
    };
  }
  return Object.freeze(info) as TensorInfo;
}

/** Unique names for a list of tensors: a repeated or empty name gets its position appended. */
export function uniqueNames(tensors: readonly TensorDef[], kind: string): string[] {
  const seen = new Set<string>();
  return tensors.map((t, k) => {
    let name = t.name || `${kind}_${k}`;
    if (seen.has(name)) name = `${name}:${k}`;
    seen.add(name);
    return name;
  });
}

/** A signature of the model: a named entry point, with its inputs and outputs under its own keys. */
export interface SignatureInfo {
  /** The signature's key, e.g. `serving_default`: `createSession({ signature: key })` runs it. */
  key: string;
  /** The subgraph it runs. */
  subgraphIndex: number;
  inputs: readonly TensorInfo[];
  outputs: readonly TensorInfo[];
}

/** The inputs and outputs of an entry point, under its names, at the shapes of `subgraph` (its subgraph, as the file declares it or resized). */
export function entryTensorInfo(entry: EntryPoint, subgraph: SubgraphDef): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  return {
    inputs: entry.inputs.map((m) => tensorInfo(subgraph.tensors[m.tensor], m.name)),
    outputs: entry.outputs.map((m) => tensorInfo(subgraph.tensors[m.tensor], m.name)),
  };
}
