import type { DType } from './model/schema';
import type { TensorDef } from './model/types';

/** Public description of a model input or output. */
export interface TensorInfo {
  /** Name in the model; the key of this tensor in `run()` inputs and outputs. */
  name: string;
  /** Index of the tensor in the model's subgraph. */
  index: number;
  shape: number[];
  dtype: DType;
  /** Present for quantized tensors: real = scale * (q - zeroPoint). */
  quantization?: { scale: number[]; zeroPoint: number[]; quantizedDimension: number };
}

export function tensorInfo(t: TensorDef, name = t.name): TensorInfo {
  const info: TensorInfo = { name, index: t.index, shape: [...t.shape], dtype: t.dtype };
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

/** Public descriptions of a graph's inputs and outputs, with unique names (the keys of `run()`). */
export function graphTensorInfo(inputs: readonly TensorDef[], outputs: readonly TensorDef[]): { inputs: TensorInfo[]; outputs: TensorInfo[] } {
  const inputNames = uniqueNames(inputs, 'input');
  const outputNames = uniqueNames(outputs, 'output');
  return {
    inputs: inputs.map((t, k) => tensorInfo(t, inputNames[k])),
    outputs: outputs.map((t, k) => tensorInfo(t, outputNames[k])),
  };
}
