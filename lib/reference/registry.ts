/** The reference kernels' op registry: the one lookup from operator name to reference family. */
import type { SubgraphDef } from '../model/types';
import { indexByOp } from '../graph/registry';
import type { StaticValues } from '../graph/static-values';
import type { ReferenceFamily } from './family';
import { activationReference } from './ops/activation';
import { castReference } from './ops/cast';
import { convolutionReference } from './ops/convolution';
import { concatenationReference, padReference, reshapeReference } from './ops/data-movement';
import { fullyConnectedReference } from './ops/fully-connected';
import { poolingReference } from './ops/pooling';
import { quantizeReference } from './ops/quantize';
import { resizeBilinearReference } from './ops/resize-bilinear';
import { softmaxReference } from './ops/softmax';
import { comparisonReference } from './ops/comparison';
import { mathBinaryReference } from './ops/math-binary';
import { mathUnaryReference } from './ops/math-unary';
import { normalizationReference } from './ops/normalization';
import { reductionReference } from './ops/reduction';

export const REFERENCE_FAMILIES: readonly ReferenceFamily[] = [
  convolutionReference, fullyConnectedReference, poolingReference,
  reshapeReference, padReference, concatenationReference, activationReference, quantizeReference, resizeBilinearReference, softmaxReference,
  castReference,
  // ADD/SUB/MUL and MEAN of int16 (int16x8 models) go on to binaryReference and meanReference from these two.
  mathBinaryReference, reductionReference, mathUnaryReference, comparisonReference, normalizationReference,
];

const byOp = indexByOp(REFERENCE_FAMILIES);

export function referenceFamilyOf(op: string): ReferenceFamily | undefined {
  return byOp.get(op);
}

/**
 * A subgraph runs on the reference kernels when a tensor computed at run
 * time is int16: TFLite's int16x8 models, which XNNPACK has no kernels for.
 */
export function needsReferenceKernels(subgraph: SubgraphDef, statics: StaticValues): boolean {
  return subgraph.tensors.some((t) => t.dtype === 'int16' && !statics.isStatic(t));
}
