// LOG_SOFTMAX, L2_NORMALIZATION and LOCAL_RESPONSE_NORMALIZATION over the
// last dimension of a float32 tensor. (TFLite's quantized forms are
// fixed-point algorithms of their own; they are refused.)
import { arity, first, optionsPresent, rank, type Reason } from '../../core/checks';
import type { Node } from '../../core/node';
import type { StaticValues } from '../../core/static-values';
import { ACTIVATION_NAMES, BuiltinOptions, OptionSlot } from '../../model/schema';
import type { ReferenceEncoding } from '../encoding';
import { elementsOf, type ProgramBuilder } from '../program-builder';
import { operandDtypes } from './element-types';

const KERNELS: Record<string, string> = {
  LOG_SOFTMAX: 'log_softmax',
  L2_NORMALIZATION: 'l2_normalization',
  LOCAL_RESPONSE_NORMALIZATION: 'local_response_normalization',
};

export function localResponseOptions(node: Node): { radius: number; bias: number; alpha: number; beta: number } {
  const S = OptionSlot.LocalResponseNormalization;
  const o = node.options!;
  return {
    radius: o.scalar(S.radius, 'i32', 'radius'),
    bias: o.scalar(S.bias, 'f32', 'bias'),
    alpha: o.scalar(S.alpha, 'f32', 'alpha'),
    beta: o.scalar(S.beta, 'f32', 'beta'),
  };
}

function optionsReason(node: Node): Reason {
  if (node.op === 'L2_NORMALIZATION') {
    // The schema calls the field ignored, but TFLite's kernel refuses any activation.
    const code = node.options ? node.options.scalar(OptionSlot.L2Norm.activation, 'i8', 'fused_activation_function') : 0;
    return code === 0 ? undefined : `fused activation (got ${ACTIVATION_NAMES[code] ?? code}, expected NONE)`;
  }
  if (node.op !== 'LOCAL_RESPONSE_NORMALIZATION') return undefined;
  return first(
    () => optionsPresent(node, BuiltinOptions.LocalResponseNormalizationOptions, 'LocalResponseNormalizationOptions'),
    () => rank(node.in(0), 4, 'input'),
    () => {
      const o = localResponseOptions(node);
      if (!(o.radius >= 0)) return `radius (got ${o.radius}, expected 0 or more)`;
      return [o.bias, o.alpha, o.beta].every(Number.isFinite) ? undefined : `bias, alpha and beta (got ${o.bias}, ${o.alpha}, ${o.beta}, expected finite numbers)`;
    },
  );
}

function check(node: Node, statics: StaticValues): Reason {
  return first(
    () => arity(node, 1, 1, 1),
    () => operandDtypes(node, statics, ['float32']),
    () => (node.in(0).shape.length >= 1 ? undefined : 'input rank (got 0, expected at least 1)'),
    () => (node.in(0).shape.join() === node.output(0).shape.join()
      ? undefined : `output shape (got [${node.output(0).shape}], expected the input shape [${node.in(0).shape}])`),
    () => optionsReason(node),
  );
}

function encode(b: ProgramBuilder, node: Node): void {
  const shape = node.in(0).shape;
  const depth = shape[shape.length - 1];
  const ints = [elementsOf(shape) / depth, depth];
  if (node.op === 'LOCAL_RESPONSE_NORMALIZATION') {
    const o = localResponseOptions(node);
    b.call(node, KERNELS[node.op], [b.tensor(node.in(0))], [b.tensor(node.output(0))], [...ints, o.radius], [o.bias, o.alpha, o.beta]);
    return;
  }
  b.call(node, KERNELS[node.op], [b.tensor(node.in(0))], [b.tensor(node.output(0))], ints);
}

export const normalizationReference: ReferenceEncoding = { check, encode };
