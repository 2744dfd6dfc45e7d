/** Turns a model read from a file back into the writer's description, so that passes can edit it. */
import { UnsupportedOpError } from '../errors';
import type { TfliteModel } from '../model/types';
import type { ModelSpec, OperatorSpec, TensorSpec } from '../model/writer';
import { readOptions } from './options-schema';

export function toSpec(model: TfliteModel): ModelSpec {
  if (model.subgraphs.length !== 1) throw new UnsupportedOpError('model', -1, `subgraphs (got ${model.subgraphs.length}, expected 1: control flow is not supported)`);
  const sg = model.subgraphs[0];
  const tensors: TensorSpec[] = sg.tensors.map((t) => ({
    name: t.name,
    shape: [...t.shape],
    dtype: t.dtype,
    data: t.data ? Uint8Array.prototype.slice.call(t.data) : undefined,
    quantization: t.quantization,
    sparsity: t.sparsity,
    shapeSignature: t.shapeSignature,
  }));
  const operators: OperatorSpec[] = sg.operators.map((op) => {
    const custom = op.customCode !== undefined;
    let options;
    if (!custom && op.optionsType !== 0) {
      options = readOptions(op.optionsType, op.options);
      if (!options) throw new UnsupportedOpError(op.op, op.index, `options type ${op.optionsType} cannot be rewritten by the quantizer`);
    }
    return { op: op.op, custom, inputs: [...op.inputs], outputs: [...op.outputs], options, customOptions: op.customOptions, version: op.version };
  });
  return {
    description: model.description,
    subgraphs: [{ name: sg.name, tensors, inputs: [...sg.inputs], outputs: [...sg.outputs], operators }],
    signatureDefs: model.signatureDefs.map((s) => ({ ...s, inputs: [...s.inputs], outputs: [...s.outputs] })),
  };
}
